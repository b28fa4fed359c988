package dev.triggerfish.execution;

import dev.triggerfish.action.StepResult;

import java.time.OffsetDateTime;

/**
 * One step's checkpoint, and, when the step ends the execution, its final state.
 *
 * @param finalStatus    null while the execution goes on; else completed, failed, retrying or cancelled
 * @param nextAttemptAt  when a retrying execution is due again (null otherwise)
 */
public record StepRecord(ClaimedExecution execution, int step, String actionType, String idempotencyKey, StepResult result,
                         OffsetDateTime startedAt, long durationMs, ExecutionStatus finalStatus, String error,
                         OffsetDateTime nextAttemptAt) {

    /** The step index the execution resumes at: past this step unless its failure stopped the execution. */
    int nextStep() {
        return finalStatus == ExecutionStatus.FAILED || finalStatus == ExecutionStatus.RETRYING ? step : step + 1;
    }
}
