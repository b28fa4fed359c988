package dev.triggerfish.event;

import io.smallrye.mutiny.Uni;

/**
 * The executions due but not started, cluster-wide: the part of the intake backlog that the execution
 * capability counts, as it owns their table and their statuses (it depends on this package, not the
 * other way round).
 */
public interface DueExecutions {
    Uni<Long> countDue();
}
