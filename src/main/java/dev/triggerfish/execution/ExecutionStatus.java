package dev.triggerfish.execution;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The statuses of an execution and the transitions allowed between them, in one place. Every SQL
 * statement that writes or selects a status takes it from here, bound ({@link #wireName},
 * {@link #wireNames}); ExecutionStateMachineTest drives every store operation against the table and
 * checks that the transitions the code performs are exactly {@link #canBecome}'s. The check constraint
 * of V1 lists the wire names; the rate-limit triggers of V8 name {@link #NOT_ADMITTED}, the queue's
 * triggers of V20 {@link #DUE} and {@link #RUNNING}.
 */
public enum ExecutionStatus {
    PENDING, SCHEDULED, RUNNING, RETRYING, COMPLETED, FAILED, SKIPPED, RATE_LIMITED, CANCELLED;

    /** Statuses the runner claims once {@code next_attempt_at} is past; the intake backlog counts the same set. */
    public static final Set<ExecutionStatus> DUE = Collections.unmodifiableSet(EnumSet.of(PENDING, SCHEDULED, RETRYING));

    /**
     * Statuses an execution is created in: due now or later, claimed at once by the dispatcher (the fast
     * path), or decided at dispatch (its conditions did not hold; over its trigger's rate limit).
     */
    public static final Set<ExecutionStatus> INITIAL = Collections.unmodifiableSet(EnumSet.of(PENDING, SCHEDULED, RUNNING, SKIPPED, RATE_LIMITED));

    /** Statuses that end an execution: {@code completed_at} is set when it takes one. */
    public static final Set<ExecutionStatus> ENDED = Collections.unmodifiableSet(EnumSet.of(COMPLETED, FAILED, SKIPPED, RATE_LIMITED, CANCELLED));

    /** Statuses a replay (POST .../retry) starts again: the dead letters, and what a rate limit turned away. */
    public static final Set<ExecutionStatus> REPLAYABLE = Collections.unmodifiableSet(EnumSet.of(FAILED, RATE_LIMITED));

    /** Statuses that take no place in a rate limit's window (V8's triggers name the same three). */
    public static final Set<ExecutionStatus> NOT_ADMITTED = Collections.unmodifiableSet(EnumSet.of(RATE_LIMITED, SKIPPED, CANCELLED));

    private static final Map<ExecutionStatus, Set<ExecutionStatus>> ALLOWED = allowed();

    private static Map<ExecutionStatus, Set<ExecutionStatus>> allowed() {
        Map<ExecutionStatus, Set<ExecutionStatus>> allowed = new EnumMap<>(ExecutionStatus.class);
        for (ExecutionStatus s : values()) {
            allowed.put(s, EnumSet.noneOf(ExecutionStatus.class));
        }
        // claimed when due
        allowed.get(PENDING).add(RUNNING);
        allowed.get(SCHEDULED).add(RUNNING);
        allowed.get(RETRYING).add(RUNNING);
        // RUNNING -> RUNNING: a checkpoint or a heartbeat renews the claim; a claim that expired is taken again.
        // -> PENDING or RETRYING: released at shutdown (before or after its first step); RETRYING also after a transient fault.
        // -> CANCELLED: its trigger was deleted or deactivated before it ran. -> SCHEDULED: a delay step paused it.
        allowed.get(RUNNING).addAll(EnumSet.of(RUNNING, PENDING, RETRYING, SCHEDULED, COMPLETED, FAILED, CANCELLED));
        // replayed
        allowed.get(FAILED).add(RETRYING);
        allowed.get(RATE_LIMITED).add(RETRYING);
        allowed.replaceAll((from, to) -> Collections.unmodifiableSet(to));
        return Collections.unmodifiableMap(allowed);
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean canBecome(ExecutionStatus next) {
        return ALLOWED.get(this).contains(next);
    }

    /** The statuses this one may become. */
    public Set<ExecutionStatus> next() {
        return ALLOWED.get(this);
    }

    /** Whether this status ends an execution ({@link #ENDED}). */
    public boolean ended() {
        return ENDED.contains(this);
    }

    /** The wire names of {@code statuses}, to bind as {@code status = any($n)}. */
    public static String[] wireNames(Set<ExecutionStatus> statuses) {
        return statuses.stream().map(ExecutionStatus::wireName).toArray(String[]::new);
    }

    /** Throws unless {@code from} may become {@code to}: a transition the code decides that the state machine forbids is a bug. */
    public static ExecutionStatus checkTransition(ExecutionStatus from, ExecutionStatus to) {
        if (!from.canBecome(to)) {
            throw new IllegalStateException("an execution cannot go from " + from.wireName() + " to " + to.wireName()
                    + " (allowed: " + Arrays.toString(wireNames(from.next())) + ")");
        }
        return to;
    }

    public static ExecutionStatus fromWireName(String name) {
        for (ExecutionStatus s : values()) {
            if (s.wireName().equals(name)) {
                return s;
            }
        }
        return null;
    }
}
