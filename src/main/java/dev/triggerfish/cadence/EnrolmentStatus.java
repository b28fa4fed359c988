package dev.triggerfish.cadence;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Where an enrolment stands ({@code cadence_enrolments.status}, V14's check lists the wire names) and
 * the transitions allowed, in one place: an active enrolment moves on step by step (active again), or
 * ends; an ended one stays ended (enrolling the record again makes a new enrolment).
 */
public enum EnrolmentStatus {
    /** Its next step is due at {@code next_at}. */
    ACTIVE,
    /** Its last step ran. */
    COMPLETED,
    /** The record met the cadence's {@code exit_conditions} before a step. */
    EXITED,
    /** Ended by {@code DELETE}, or its record or cadence was deleted. */
    CANCELLED;

    private static final Map<EnrolmentStatus, Set<EnrolmentStatus>> ALLOWED = allowed();

    private static Map<EnrolmentStatus, Set<EnrolmentStatus>> allowed() {
        Map<EnrolmentStatus, Set<EnrolmentStatus>> allowed = new EnumMap<>(EnrolmentStatus.class);
        allowed.put(ACTIVE, Collections.unmodifiableSet(EnumSet.allOf(EnrolmentStatus.class)));
        allowed.put(COMPLETED, Set.of());
        allowed.put(EXITED, Set.of());
        allowed.put(CANCELLED, Set.of());
        return Collections.unmodifiableMap(allowed);
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean canBecome(EnrolmentStatus next) {
        return ALLOWED.get(this).contains(next);
    }

    /** {@code next}, when this status may become it; else a bug of the caller. */
    public EnrolmentStatus checkTransition(EnrolmentStatus next) {
        if (!canBecome(next)) {
            throw new IllegalStateException("an enrolment does not go from " + wireName() + " to " + next.wireName());
        }
        return next;
    }

    public static EnrolmentStatus fromWireName(String name) {
        return Arrays.stream(values()).filter(s -> s.wireName().equals(name)).findFirst().orElse(null);
    }
}
