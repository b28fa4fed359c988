package dev.triggerfish.action;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one action step did.
 *
 * @param output what the step produced or sent (secrets redacted): status codes, ids, values set
 * @param error  why it failed or was skipped; null when it completed
 */
public record StepResult(StepStatus status, Map<String, Object> output, String error) {

    public enum StepStatus { COMPLETED, FAILED, SKIPPED }

    public static StepResult completed(Map<String, Object> output) {
        return new StepResult(StepStatus.COMPLETED, output, null);
    }

    public static StepResult failed(String error, Map<String, Object> output) {
        return new StepResult(StepStatus.FAILED, output, error);
    }

    public static StepResult skipped(String reason) {
        return new StepResult(StepStatus.SKIPPED, Map.of(), reason);
    }

    /** This result with {@code key: value} added to its output. */
    public StepResult with(String key, Object value) {
        Map<String, Object> out = new LinkedHashMap<>(output);
        out.put(key, value);
        return new StepResult(status, out, error);
    }
}
