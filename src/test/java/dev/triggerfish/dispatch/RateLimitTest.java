package dev.triggerfish.dispatch;

import org.junit.jupiter.api.Test;

import java.time.Instant;
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
    void noLimitWithoutAConfiguration() {
        assertNull(RateLimit.of(null));
        assertNull(RateLimit.of(Map.of("period", "hour")));
    }
}
