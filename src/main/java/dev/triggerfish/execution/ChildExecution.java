package dev.triggerfish.execution;

/**
 * An execution to create that runs a {@link Flow} on behalf of trigger {@code triggerId}: the child of a
 * parent's {@code trigger_workflow} step ({@code workflowId}, {@code parentExecutionId}, {@code parentStep}),
 * or one step of a cadence enrolment ({@code enrolmentId}, {@code cadenceStep}); the other links are null.
 * Its trigger version, when null, is the parent's (or the trigger's current one). Its event
 * ({@code eventId}) is stored for it, already dispatched: it says what started it, with the chain depth
 * its record changes carry on.
 */
public record ChildExecution(long triggerId, Integer triggerVersion, long eventId, String entityType, String entityId, Flow flow,
                             Long workflowId, Long parentExecutionId, Integer parentStep, Long enrolmentId, Integer cadenceStep) {
}
