package dev.triggerfish.action;

import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one action step did.
 *
 * @param output what the step produced or sent (secrets redacted): status codes, ids, values set
 * @param error  why it failed or was skipped; null when it completed
 * @param fault  why a failed step may succeed when tried again; null when it would fail the same way
 * @param resumeAt for a completed step that pauses the execution ({@code delay}): when the next step is due; else null
 */
public record StepResult(StepStatus status, Map<String, Object> output, String error, TransientFault fault, OffsetDateTime resumeAt) {

    public enum StepStatus { COMPLETED, FAILED, SKIPPED }

    public static StepResult completed(Map<String, Object> output) {
        return new StepResult(StepStatus.COMPLETED, output, null, null, null);
    }

    /** A failure that would repeat (a bad configuration, a 4xx answer, a bug): the step fails for good. */
    public static StepResult failed(String error, Map<String, Object> output) {
        return new StepResult(StepStatus.FAILED, output, error, null, null);
    }

    /** A failure worth a retry: the execution is retried while the trigger's retries last. */
    public static StepResult failed(TransientFault fault, String error, Map<String, Object> output) {
        return new StepResult(StepStatus.FAILED, output, error, fault, null);
    }

    /** Done, and the execution pauses until {@code resumeAt}: the next step is due then. */
    public static StepResult pausedUntil(OffsetDateTime resumeAt, Map<String, Object> output) {
        return new StepResult(StepStatus.COMPLETED, output, null, null, resumeAt);
    }

    public static StepResult skipped(String reason) {
        return new StepResult(StepStatus.SKIPPED, Map.of(), reason, null, null);
    }

    /** Whether this failed step is worth a retry. */
    public boolean retryable() {
        return status == StepStatus.FAILED && fault != null;
    }

    /** This result with {@code key: value} added to its output. */
    public StepResult with(String key, Object value) {
        Map<String, Object> out = new LinkedHashMap<>(output);
        out.put(key, value);
        return new StepResult(status, out, error, fault, resumeAt);
    }
}
