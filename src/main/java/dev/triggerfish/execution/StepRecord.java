package dev.triggerfish.execution;

import dev.triggerfish.action.StepResult;

import java.time.OffsetDateTime;

/**
 * One step's checkpoint, and, when the step ends the execution, its final state.
 *
 * @param fallback       0 for the action itself, n for its n-th fallback action
 * @param finalStatus    null while the execution goes on; else completed, failed, retrying or cancelled
 * @param nextAttemptAt  when a retrying execution is due again (null otherwise)
 * @param nextStep       the step index the execution resumes at: past this step unless it stopped there or its fallbacks still run
 */
public record StepRecord(ClaimedExecution execution, int step, int fallback, String actionType, String idempotencyKey, StepResult result,
                         OffsetDateTime startedAt, long durationMs, ExecutionStatus finalStatus, String error,
                         OffsetDateTime nextAttemptAt, int nextStep) {

    /** The checkpoint of an action without fallbacks: the execution moves past it unless its failure stopped it. */
    public StepRecord(ClaimedExecution execution, int step, String actionType, String idempotencyKey, StepResult result,
                      OffsetDateTime startedAt, long durationMs, ExecutionStatus finalStatus, String error, OffsetDateTime nextAttemptAt) {
        this(execution, step, 0, actionType, idempotencyKey, result, startedAt, durationMs, finalStatus, error, nextAttemptAt,
                finalStatus == ExecutionStatus.FAILED || finalStatus == ExecutionStatus.RETRYING ? step : step + 1);
    }
}
