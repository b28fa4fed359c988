package dev.triggerfish.execution;

import dev.triggerfish.action.ActionContext;
import dev.triggerfish.action.StepResult;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * The checkpoint of a step, with the execution's end when the step ends it: completed after the last
 * step; after a failure, retrying (a transient fault, retries left), the action's fallbacks, or failed;
 * after a delay, scheduled for when it ends. Pure: the runner writes what this decides.
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

    /** What follows a step. */
    enum After {
        /** The execution stops here, to run this step again later. */
        RETRY,
        /** The execution stops here, failed. */
        FAIL,
        /** The next fallback action of the same step runs: the first once the action failed for good, or the one after a completed one. */
        FALLBACK,
        /** The next step runs. */
        NEXT,
        /** The execution pauses until the result's {@code resumeAt}, then runs the next step. */
        PAUSE,
        /** The execution is done. */
        COMPLETE
    }

    /**
     * What follows the step's result. A failure stops the execution, retried while the fault is transient
     * and retries are left; once the failure is for good, the action's {@code fallback} actions run in its
     * place (a failed fallback fails the step), and with {@code on_failure: continue} the execution goes on
     * with the next step.
     */
    static After after(ActionStep step, StepResult result) {
        if (result.status() == StepResult.StepStatus.FAILED) {
            if (retryDelay(step, result) != null) {
                return After.RETRY;
            }
            if (step.fallback() == 0 && !step.fallbacks().isEmpty()) {
                return After.FALLBACK;
            }
            if (!step.continuesOnFailure()) {
                return After.FAIL;
            }
        } else if (!step.lastAtItsIndex()) {
            return After.FALLBACK;
        }
        if (step.last()) {
            return After.COMPLETE;
        }
        return result.resumeAt() != null ? After.PAUSE : After.NEXT;
    }

    static StepRecord of(ActionStep step, ActionContext context, StepResult result, Started started) {
        long durationMs = (System.nanoTime() - started.nanos()) / 1_000_000;
        StepResult recorded = shown(result, context);
        ExecutionStatus end = null;
        String error = null;
        OffsetDateTime retryAt = null;
        int next = step.index() + 1;
        switch (after(step, result)) {
            case RETRY, FAIL -> {
                String which = step.fallback() == 0 ? "" : " fallback " + step.fallback();
                error = "step " + step.index() + which + " (" + step.type() + ") failed: " + result.error();
                Duration retry = retryDelay(step, result);
                end = retry == null ? ExecutionStatus.FAILED : ExecutionStatus.RETRYING;
                retryAt = retry == null ? null : OffsetDateTime.now().plus(retry);
                next = step.index();
            }
            case FALLBACK -> {
                next = step.index(); // a resumed execution finds which of its fallbacks already ran in the steps (FallbackProgress)
                if (step.fallback() == 0) {
                    recorded = recorded.with(FallbackProgress.REPLACED, true);
                }
            }
            case PAUSE -> {
                end = ExecutionStatus.SCHEDULED; // a delay: the next step is due when it ends
                retryAt = result.resumeAt();
            }
            case COMPLETE -> end = ExecutionStatus.COMPLETED;
            case NEXT -> {
                // the execution goes on
            }
        }
        return new StepRecord(step.execution(), step.index(), step.fallback(), step.type(), context.idempotencyKey(), recorded, started.at(),
                durationMs, end, error, retryAt, next);
    }

    /**
     * Whether the step's result stops the execution here: a failure does, unless the action has
     * fallbacks or says {@code on_failure: continue} and the failure is for good (a step that will be
     * retried is retried first, whatever its {@code on_failure}).
     */
    static boolean endsExecution(ActionStep step, StepResult result) {
        After after = after(step, result);
        return after == After.RETRY || after == After.FAIL;
    }

    /**
     * The delay before the execution runs again after the failed step, or null when it ends failed: the
     * fault is not transient, the trigger allows no retries, or its retries are used up. The backoff's
     * delay, at least what the target asked for.
     */
    static Duration retryDelay(ActionStep step, StepResult failed) {
        int retriesDone = step.execution().attempt() - 1;
        if (!failed.retryable() || !step.trigger().allowRetries() || retriesDone >= step.trigger().maxRetries()) {
            return null;
        }
        return Backoff.of(step.trigger().retryConfiguration()).delay(retriesDone + 1, failed.fault().retryAfter().orElse(null));
    }

    /**
     * The result as the execution history shows it: the template names that had no value and, for a
     * failed step, whether it was worth a retry and the delay the target asked for (written from the
     * fault, never read back).
     */
    private static StepResult shown(StepResult result, ActionContext context) {
        StepResult shown = context.missing().isEmpty() ? result : result.with("missing_values", List.copyOf(context.missing()));
        if (result.status() != StepResult.StepStatus.FAILED) {
            return shown;
        }
        shown = shown.with("retryable", result.retryable());
        Duration asked = result.retryable() ? result.fault().retryAfter().orElse(null) : null;
        return asked == null ? shown : shown.with("retry_after_seconds", asked.toSeconds());
    }
}
