package dev.triggerfish.event;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Where an event's dispatch stands ({@code events.status}) and the transitions allowed between the
 * statuses, in one place. EventStore takes every status it writes or selects from here (bound, or as a
 * constant where a partial index must match: {@link #sqlLiteral});
 * EventStateMachineTest drives every store operation against the table and checks that the
 * transitions it performs are exactly {@link #canBecome}'s. The check constraint of V1 lists the wire
 * names. ({@link EventState} is not this: it is an event as the API answers it, with its status.)
 */
public enum EventStatus {
    NEW, DISPATCHING, DISPATCHED, FAILED;

    /** Statuses an event is stored in: new, or dispatched already when its caller matches it in the same transaction. */
    public static final Set<EventStatus> INITIAL = Collections.unmodifiableSet(EnumSet.of(NEW, DISPATCHED));

    /** Statuses no dispatcher works on any more: the history that retention may remove (HistoryRetention). */
    public static final Set<EventStatus> SETTLED = Collections.unmodifiableSet(EnumSet.of(DISPATCHED, FAILED));

    private static final Map<EventStatus, Set<EventStatus>> ALLOWED = allowed();

    private static Map<EventStatus, Set<EventStatus>> allowed() {
        Map<EventStatus, Set<EventStatus>> allowed = new EnumMap<>(EventStatus.class);
        allowed.put(NEW, EnumSet.of(DISPATCHING));
        // DISPATCHING -> DISPATCHING: a claim that expired is taken again, or a failed dispatch is given back to wait for it.
        // -> NEW: released at shutdown. -> FAILED: unreadable, or out of attempts.
        allowed.put(DISPATCHING, EnumSet.of(DISPATCHING, DISPATCHED, FAILED, NEW));
        allowed.put(DISPATCHED, EnumSet.noneOf(EventStatus.class));
        // redispatched (POST /api/events/{id}/redispatch)
        allowed.put(FAILED, EnumSet.of(NEW));
        allowed.replaceAll((from, to) -> Collections.unmodifiableSet(to));
        return Collections.unmodifiableMap(allowed);
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean canBecome(EventStatus next) {
        return ALLOWED.get(this).contains(next);
    }

    /** The statuses this one may become. */
    public Set<EventStatus> next() {
        return ALLOWED.get(this);
    }

    /**
     * As a SQL literal ({@code 'new'}), for the statements that select by status through a partial index
     * ({@code events_new}, {@code events_leases}): PostgreSQL matches an index predicate at planning time,
     * so a bound status would lose the index in a generic plan (PostgreSQL manual, 11.8). Everywhere else
     * statuses are bound.
     */
    public String sqlLiteral() {
        return "'" + wireName() + "'";
    }

    public static EventStatus fromWireName(String name) {
        return Arrays.stream(values()).filter(s -> s.wireName().equals(name)).findFirst().orElse(null);
    }
}
