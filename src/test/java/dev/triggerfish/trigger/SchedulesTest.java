package dev.triggerfish.trigger;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 9, item 8: a schedule is one of the spec's names or a 5-field cron expression whose every field is in its range. */
class SchedulesTest {

    @ParameterizedTest
    @ValueSource(strings = {"every_minute", "every_5_minutes", "every_15_minutes", "hourly", "daily", "weekly", "monthly",
            "0 9 * * MON-FRI", "*/15 * * * *", "0 0 1 * *", "30 2 * JAN,JUL SUN", "0 0 * * 7", "0-30/5 8-18 1-31/2 1-12 0-6", " 0 9 * * 1 "})
    void theSpecsNamesAndCronExpressionsAreAccepted(String schedule) {
        assertNull(Schedules.refusal(schedule), schedule);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "99 99 99 99 99        | 99",
        "*/99999999999 * * * * | 99999999999",
        "*/100 * * * *         | 100",
        "60 * * * *            | 60",
        "0 24 * * *            | 24",
        "0 0 0 * *             | 0",
        "0 0 32 * *            | 32",
        "0 0 * 13 *            | 13",
        "0 0 * * 8             | 8",
        "*/0 * * * *           | 0",
        "5-1 * * * *           | 5",
        "0 0 * * * *           | 5 fields",
        "0 0 * *               | 5 fields",
        "@daily                | @daily",
        "sometimes             | sometimes",
    })
    void anOutOfRangeOrMalformedScheduleIsRefusedSayingWhy(String schedule, String named) {
        String refusal = Schedules.refusal(schedule);
        assertNotNull(refusal, schedule);
        assertTrue(refusal.contains(named), refusal);
    }
}
