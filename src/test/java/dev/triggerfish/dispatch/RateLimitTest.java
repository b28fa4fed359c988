package dev.triggerfish.dispatch;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RateLimitTest {
    static final Instant NOW = Instant.parse("2026-11-25T14:37:20Z");

    @Test
    void specExampleIsSlidingWithABurstBucket() {
        RateLimit limit = RateLimit.of(Map.of("limit", 10, "period", "hour", "burst_limit", 3, "reset_strategy", "sliding"));
        assertTrue(limit.sliding());
        assertFalse(limit.defer());
        assertEquals(Instant.parse("2026-11-25T13:37:20Z"), limit.windowStart(NOW));
        // the bucket holds at most 3 and refills at 10 an hour: one every 6 minutes
        assertEquals(3.0, limit.refill(0, NOW.minusSeconds(3600), NOW));
        assertEquals(1.0, limit.refill(0, NOW.minusSeconds(360), NOW), 1e-9);
        assertEquals(Instant.parse("2026-11-25T14:40:00Z"), limit.nextSlot(NOW, Instant.parse("2026-11-25T13:40:00Z")));
    }

    @Test
    void fixedWindowsStartAtTheCalendarBoundary() {
        RateLimit day = RateLimit.of(Map.of("limit", 5, "period", "day", "reset_strategy", "fixed", "on_limit", "defer"));
        assertEquals(Instant.parse("2026-11-25T00:00:00Z"), day.windowStart(NOW));
        assertEquals(Instant.parse("2026-11-26T00:00:00Z"), day.nextSlot(NOW, null));
        assertTrue(day.defer());
        RateLimit minute = RateLimit.of(Map.of("limit", 5, "period", "minute", "reset_strategy", "fixed"));
        assertEquals(Instant.parse("2026-11-25T14:37:00Z"), minute.windowStart(NOW));
        // without burst_limit the bucket is as large as the limit
        assertEquals(5.0, minute.refill(0, NOW.minusSeconds(600), NOW));
    }

    @Test
    void bucketsAreASixtiethOfThePeriodSoCalendarWindowsAreWholeBuckets() {
        RateLimit minute = RateLimit.of(Map.of("limit", 5, "period", "minute", "reset_strategy", "fixed"));
        RateLimit hour = RateLimit.of(Map.of("limit", 5, "period", "hour", "reset_strategy", "fixed"));
        RateLimit day = RateLimit.of(Map.of("limit", 5, "period", "day", "reset_strategy", "fixed"));
        assertEquals(Duration.ofSeconds(1), minute.bucket());
        assertEquals(Duration.ofMinutes(1), hour.bucket());
        assertEquals(Duration.ofMinutes(24), day.bucket());
        assertEquals(Instant.parse("2026-11-25T14:37:20Z"), minute.bucketStart(NOW.plusMillis(999)));
        assertEquals(Instant.parse("2026-11-25T14:37:00Z"), hour.bucketStart(NOW));
        assertEquals(Instant.parse("2026-11-25T14:24:00Z"), day.bucketStart(NOW));
        for (RateLimit limit : List.of(minute, hour, day)) {
            Instant start = limit.windowStart(NOW);
            assertEquals(start, limit.bucketStart(start), limit.period() + " windows start on a bucket");
            // the last bucket of the previous window is out, the first of this one in: a fixed count is exact
            assertFalse(limit.counts(start, NOW));
            assertTrue(limit.counts(start.plus(limit.bucket()), NOW));
        }
    }

    @Test
    void aSlidingWindowCountsABucketPartlyInsideAsWhollyInside() {
        RateLimit hour = RateLimit.of(Map.of("limit", 10, "period", "hour"));
        // the window is 13:37:20 to 14:37:20; the bucket 13:37:00 to 13:38:00 is partly in it
        Instant partly = hour.bucketStart(Instant.parse("2026-11-25T13:37:05Z")).plus(hour.bucket());
        assertEquals(Instant.parse("2026-11-25T13:38:00Z"), partly);
        assertTrue(hour.counts(partly, NOW));
        assertFalse(hour.counts(Instant.parse("2026-11-25T13:37:00Z"), NOW));
        // a deferred execution waits until that whole bucket has left the window: at most one bucket later than exact
        assertEquals(Instant.parse("2026-11-25T14:38:00Z"), hour.nextSlot(NOW, partly));
        assertFalse(hour.counts(partly, hour.nextSlot(NOW, partly)));
        assertTrue(Duration.between(Instant.parse("2026-11-25T13:37:05Z").plus(hour.length()), hour.nextSlot(NOW, partly))
                .compareTo(hour.bucket()) <= 0);
        // buckets that ended a period ago are in no window and are deleted
        assertEquals(Instant.parse("2026-11-25T13:37:20Z"), hour.expiredUpTo(NOW));
        RateLimit fixedDay = RateLimit.of(Map.of("limit", 10, "period", "day", "reset_strategy", "fixed"));
        assertFalse(fixedDay.expiredUpTo(NOW).isAfter(fixedDay.windowStart(NOW)), "nothing a fixed window counts is deleted");
    }

    @Test
    void noLimitWithoutAConfiguration() {
        assertNull(RateLimit.of(null));
        assertNull(RateLimit.of(Map.of("period", "hour")));
    }
}
