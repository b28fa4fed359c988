package dev.triggerfish.schedule;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The statuses of a schedule slot and the transitions allowed between them, in one place (the check
 * constraint of V12 lists the wire names). A slot is planned {@code due} (or {@code skipped}, with its
 * reason, when its trigger's {@code catch_up} passes it over), claimed {@code running}, and ends
 * {@code completed}, {@code skipped} (its trigger was deactivated or deleted before it ran) or
 * {@code failed} (its conditions could not be compiled or run).
 */
public enum SlotStatus {
    DUE, RUNNING, COMPLETED, SKIPPED, FAILED;

    /** What planning may create. */
    public static final Set<SlotStatus> INITIAL = Collections.unmodifiableSet(EnumSet.of(DUE, SKIPPED));
    private static final Map<SlotStatus, Set<SlotStatus>> ALLOWED = allowed();

    private static Map<SlotStatus, Set<SlotStatus>> allowed() {
        Map<SlotStatus, Set<SlotStatus>> allowed = new EnumMap<>(SlotStatus.class);
        for (SlotStatus s : values()) {
            allowed.put(s, EnumSet.noneOf(SlotStatus.class));
        }
        allowed.get(DUE).add(RUNNING);
        // RUNNING -> RUNNING: a page's checkpoint renews the claim; a claim that expired is taken over by another replica
        allowed.get(RUNNING).addAll(EnumSet.of(RUNNING, COMPLETED, SKIPPED, FAILED));
        allowed.replaceAll((from, to) -> Collections.unmodifiableSet(to));
        return Collections.unmodifiableMap(allowed);
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean canBecome(SlotStatus next) {
        return ALLOWED.get(this).contains(next);
    }

    /** Throws unless {@code from} may become {@code to}: the code deciding a forbidden transition is a bug. */
    public static SlotStatus checkTransition(SlotStatus from, SlotStatus to) {
        if (!from.canBecome(to)) {
            throw new IllegalStateException("a slot cannot go from " + from.wireName() + " to " + to.wireName());
        }
        return to;
    }

    /** As an SQL literal, for the claim's selections that must match the partial indexes of V12. */
    public String sqlLiteral() {
        return "'" + wireName() + "'";
    }

    public static SlotStatus fromWireName(String name) {
        for (SlotStatus s : values()) {
            if (s.wireName().equals(name)) {
                return s;
            }
        }
        return null;
    }
}
