package dev.triggerfish.execution;

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
    void transitionsAreExplicit() {
        org.junit.jupiter.api.Assertions.assertTrue(ExecutionStatus.PENDING.canBecome(ExecutionStatus.RUNNING));
        org.junit.jupiter.api.Assertions.assertTrue(ExecutionStatus.RUNNING.canBecome(ExecutionStatus.RETRYING));
        org.junit.jupiter.api.Assertions.assertFalse(ExecutionStatus.COMPLETED.canBecome(ExecutionStatus.RUNNING));
        org.junit.jupiter.api.Assertions.assertFalse(ExecutionStatus.PENDING.canBecome(ExecutionStatus.COMPLETED));
    }
}
