package dev.triggerfish.dispatch;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * The spec's {@code rate_limiting}: at most {@code limit} executions per {@code period} (minute, hour,
 * day), counted in the calendar window ({@code reset_strategy: fixed}) or in the last period
 * ({@code sliding}, the default); {@code burst_limit} caps how many may start back to back (a token
 * bucket of that size, refilled at limit/period); {@code on_limit} is {@code reject} (recorded as
 * rate_limited, the default) or {@code defer} (scheduled for when the window has room). Pure arithmetic;
 * {@link RateLimiter} applies it under a row lock.
 *
 * <p>Admissions are counted in buckets of {@link #bucket()} (a sixtieth of the period), aligned on the
 * epoch, so a calendar window is a whole number of buckets and a fixed window's count is exact. A
 * bucket counts while it ends after the window's start: in a sliding window one that is only partly
 * inside counts wholly, so the limit is never exceeded, at the price of admitting up to one bucket's
 * worth later than an exact count would.
 */
public record RateLimit(int limit, ChronoUnit period, Integer burst, boolean sliding, boolean defer) {

    public static RateLimit of(Map<String, Object> config) {
        if (config == null || !(config.get("limit") instanceof Number limit)) {
            return null;
        }
        ChronoUnit period = switch (String.valueOf(config.get("period"))) {
            case "minute" -> ChronoUnit.MINUTES;
            case "day" -> ChronoUnit.DAYS;
            default -> ChronoUnit.HOURS;
        };
        Integer burst = config.get("burst_limit") instanceof Number b && b.intValue() > 0 ? b.intValue() : null;
        return new RateLimit(limit.intValue(), period, burst, !"fixed".equals(config.get("reset_strategy")), "defer".equals(config.get("on_limit")));
    }

    public Duration length() {
        return period.getDuration();
    }

    /** The length of a counting bucket: 1 s for a minute limit, 1 min for an hour, 24 min for a day. */
    public Duration bucket() {
        return length().dividedBy(60);
    }

    /** The start of the bucket {@code at} falls in (as {@code triggerfish_rate_bucket_start} in V8). */
    public Instant bucketStart(Instant at) {
        long seconds = bucket().toSeconds();
        return Instant.ofEpochSecond(Math.floorDiv(at.getEpochSecond(), seconds) * seconds);
    }

    /** Whether the bucket ending at {@code bucketEnd} is counted at {@code now}: it ends after the window's start. */
    public boolean counts(Instant bucketEnd, Instant now) {
        return bucketEnd.isAfter(windowStart(now));
    }

    /** Buckets ending at or before this are out of every window this limit can have at {@code now} (and deleted). */
    public Instant expiredUpTo(Instant now) {
        return now.minus(length());
    }

    /** Where the counting window starts at {@code now}. */
    public Instant windowStart(Instant now) {
        return sliding ? now.minus(length()) : now.truncatedTo(period);
    }

    /** The window as recorded on a rate-limited execution, e.g. {@code fixed hour 2026-11-25T14:00:00Z}. */
    public String describe(Instant now) {
        String unit = period == ChronoUnit.MINUTES ? "minute" : period == ChronoUnit.DAYS ? "day" : "hour";
        return (sliding ? "sliding " : "fixed ") + unit + " from " + windowStart(now) + " (limit " + limit
                + (burst == null ? "" : ", burst " + burst) + ")";
    }

    /** Tokens in the burst bucket after refilling from {@code tokens} at {@code since} to {@code now}. */
    public double refill(double tokens, Instant since, Instant now) {
        double perMilli = (double) limit / length().toMillis();
        double refilled = tokens + Math.max(0, Duration.between(since, now).toMillis()) * perMilli;
        return Math.min(burst == null ? limit : burst, refilled);
    }

    /**
     * When the next execution may start: the fixed window's end, or when the oldest counted admission
     * leaves the sliding window, given when it ends ({@code oldestEnd}: the end of the oldest non-empty
     * bucket counted; null when none is).
     */
    public Instant nextSlot(Instant now, Instant oldestEnd) {
        if (!sliding) {
            return windowStart(now).plus(1, period);
        }
        return oldestEnd == null ? now : oldestEnd.plus(length());
    }
}
