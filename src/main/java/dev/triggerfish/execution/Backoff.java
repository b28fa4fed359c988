package dev.triggerfish.execution;

import java.time.Duration;
import java.util.Map;

/**
 * The spec's retry delays: {@code delay_minutes} before the first retry, multiplied by
 * {@code backoff_multiplier} for each later one, never more than {@code max_delay_hours}.
 */
public record Backoff(double delayMinutes, double multiplier, double maxDelayHours) {
    public static final Backoff DEFAULT = new Backoff(1, 2, 24);

    public static Backoff of(Map<String, Object> retryConfiguration) {
        return new Backoff(number(retryConfiguration, "delay_minutes", DEFAULT.delayMinutes),
                number(retryConfiguration, "backoff_multiplier", DEFAULT.multiplier),
                number(retryConfiguration, "max_delay_hours", DEFAULT.maxDelayHours));
    }

    /** The delay before retry number {@code retry} (1 for the first retry). */
    public Duration delay(int retry) {
        double minutes = delayMinutes * Math.pow(multiplier, Math.max(0, retry - 1));
        double capped = Math.min(minutes, maxDelayHours * 60);
        return Duration.ofMillis((long) (capped * 60_000));
    }

    /** The delay before retry number {@code retry}, at least what the target asked for ({@code Retry-After}), within the cap. */
    public Duration delay(int retry, Duration retryAfter) {
        Duration backoff = delay(retry);
        if (retryAfter == null || retryAfter.compareTo(backoff) <= 0) {
            return backoff;
        }
        Duration cap = Duration.ofMillis((long) (maxDelayHours * 3_600_000));
        return retryAfter.compareTo(cap) > 0 ? cap : retryAfter;
    }

    private static double number(Map<String, Object> config, String key, double fallback) {
        return config.get(key) instanceof Number n ? n.doubleValue() : fallback;
    }
}
