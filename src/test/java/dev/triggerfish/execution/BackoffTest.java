package dev.triggerfish.execution;

import dev.triggerfish.action.RetryAfter;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BackoffTest {

    @Test
    void specRetryConfigurationDoublesFromFifteenMinutesUpToADay() {
        Backoff backoff = Backoff.of(Map.of("delay_minutes", 15, "backoff_multiplier", 2, "max_delay_hours", 24));
        assertEquals(Duration.ofMinutes(15), backoff.delay(1));
        assertEquals(Duration.ofMinutes(30), backoff.delay(2));
        assertEquals(Duration.ofMinutes(60), backoff.delay(3));
        assertEquals(Duration.ofHours(24), backoff.delay(20));
    }

    @Test
    void defaultsWhenNotConfigured() {
        assertEquals(Duration.ofMinutes(1), Backoff.of(Map.of()).delay(1));
        assertEquals(Duration.ofMinutes(4), Backoff.of(Map.of()).delay(3));
    }

    @Test
    void retryAfterWinsOverAShorterBackoffWithinTheCap() {
        Backoff backoff = Backoff.of(Map.of("delay_minutes", 1, "max_delay_hours", 1));
        assertEquals(Duration.ofMinutes(5), backoff.delay(1, RetryAfter.parse("300")));
        assertEquals(Duration.ofMinutes(1), backoff.delay(1, RetryAfter.parse("10")));
        assertEquals(Duration.ofHours(1), backoff.delay(1, RetryAfter.parse("86400")));
        assertEquals(Duration.ofMinutes(1), backoff.delay(1, RetryAfter.parse("soon")));
        Duration date = RetryAfter.parse(java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
                java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plusMinutes(10)));
        org.junit.jupiter.api.Assertions.assertTrue(date.toSeconds() > 500 && date.toSeconds() <= 600, date.toString());
    }

    @Test
    void transitionsAreExplicit() {
        org.junit.jupiter.api.Assertions.assertTrue(ExecutionStatus.PENDING.canBecome(ExecutionStatus.RUNNING));
        org.junit.jupiter.api.Assertions.assertTrue(ExecutionStatus.RUNNING.canBecome(ExecutionStatus.RETRYING));
        org.junit.jupiter.api.Assertions.assertFalse(ExecutionStatus.COMPLETED.canBecome(ExecutionStatus.RUNNING));
        org.junit.jupiter.api.Assertions.assertFalse(ExecutionStatus.PENDING.canBecome(ExecutionStatus.COMPLETED));
    }
}
