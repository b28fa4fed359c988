package dev.triggerfish.execution;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The statuses of an execution and the transitions allowed between them, in one place. */
public enum ExecutionStatus {
    PENDING, SCHEDULED, RUNNING, RETRYING, COMPLETED, FAILED, SKIPPED, RATE_LIMITED, CANCELLED;

    private static final Map<ExecutionStatus, Set<ExecutionStatus>> ALLOWED = Map.of(
            PENDING, EnumSet.of(RUNNING, CANCELLED),
            SCHEDULED, EnumSet.of(RUNNING, CANCELLED),
            RETRYING, EnumSet.of(RUNNING, CANCELLED),
            // a claim that expired is claimed again: RUNNING -> RUNNING; released at shutdown: -> PENDING
            RUNNING, EnumSet.of(RUNNING, PENDING, COMPLETED, FAILED, RETRYING, CANCELLED),
            FAILED, EnumSet.of(RETRYING),
            // replay
            COMPLETED, EnumSet.noneOf(ExecutionStatus.class),
            SKIPPED, EnumSet.noneOf(ExecutionStatus.class),
            RATE_LIMITED, EnumSet.noneOf(ExecutionStatus.class),
            CANCELLED, EnumSet.noneOf(ExecutionStatus.class));

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean canBecome(ExecutionStatus next) {
        return ALLOWED.get(this).contains(next);
    }

    /** Statuses the runner claims when due. */
    public static final Set<ExecutionStatus> DUE = EnumSet.of(PENDING, SCHEDULED, RETRYING);

    public static ExecutionStatus fromWireName(String name) {
        for (ExecutionStatus s : values()) {
            if (s.wireName().equals(name)) {
                return s;
            }
        }
        return null;
    }
}
