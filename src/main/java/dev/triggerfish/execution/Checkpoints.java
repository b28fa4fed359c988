package dev.triggerfish.execution;

import dev.triggerfish.action.ActionContext;
import dev.triggerfish.action.StepResult;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * The checkpoint of a step, with the execution's end when the step ends it: completed after the last
 * step; after a failure, retrying (a transient fault, retries left) or failed. Pure: the runner
 * writes what this decides.
 */
final class Checkpoints {
    private Checkpoints() {
    }

    /** When a step started: the wall clock for the record, the monotonic one for its duration. */
    record Started(OffsetDateTime at, long nanos) {
        static Started now() {
            return new Started(OffsetDateTime.now(), System.nanoTime());
        }
    }

    static StepRecord of(ActionStep step, ActionContext context, StepResult result, Started started) {
        ClaimedExecution execution = step.execution();
        StepResult recorded = context.missing().isEmpty() ? result : result.with("missing_values", List.copyOf(context.missing()));
        long durationMs = (System.nanoTime() - started.nanos()) / 1_000_000;
        ExecutionStatus end = null;
        String error = null;
        OffsetDateTime retryAt = null;
        if (result.status() == StepResult.StepStatus.FAILED) {
            error = "step " + step.index() + " (" + step.type() + ") failed: " + result.error();
            boolean retryable = Boolean.TRUE.equals(result.output().get("retryable"));
            int retriesDone = execution.attempt() - 1;
            if (step.trigger().allowRetries() && retryable && retriesDone < step.trigger().maxRetries()) {
                end = ExecutionStatus.RETRYING;
                Backoff backoff = Backoff.of(step.trigger().retryConfiguration());
                retryAt = OffsetDateTime.now().plus(backoff.delay(retriesDone + 1, RetryAfter.parse(result.output().get("retry_after"))));
            } else {
                end = ExecutionStatus.FAILED;
            }
        } else if (step.last()) {
            end = ExecutionStatus.COMPLETED;
        }
        return new StepRecord(execution, step.index(), step.type(), context.idempotencyKey(), recorded, started.at(), durationMs, end,
                error, retryAt);
    }
}
