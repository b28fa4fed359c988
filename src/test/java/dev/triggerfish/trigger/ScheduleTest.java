package dev.triggerfish.trigger;

import dev.triggerfish.support.FieldError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 11, item 1: slot times of a schedule in its time zone, daylight saving included. */
class ScheduleTest {

    private static List<Instant> slots(String schedule, String zone, String after, String until) {
        return Schedule.of(schedule, zone).between(Instant.parse(after), Instant.parse(until), 1000);
    }

    private static List<Instant> instants(String... texts) {
        return java.util.Arrays.stream(texts).map(Instant::parse).toList();
    }

    @Test
    void theNamedSchedulesFallWhereTheirNamesSayInUtc() {
        assertEquals(instants("2026-03-11T00:00:00Z", "2026-03-12T00:00:00Z"), slots("daily", null, "2026-03-10T00:00:00Z", "2026-03-12T00:00:00Z"));
        assertEquals(instants("2026-03-10T10:00:00Z", "2026-03-10T11:00:00Z"), slots("hourly", null, "2026-03-10T09:00:00Z", "2026-03-10T11:30:00Z"));
        assertEquals(instants("2026-03-15T00:00:00Z"), slots("weekly", null, "2026-03-10T00:00:00Z", "2026-03-20T00:00:00Z")); // a Sunday
        assertEquals(instants("2026-04-01T00:00:00Z"), slots("monthly", null, "2026-03-10T00:00:00Z", "2026-04-20T00:00:00Z"));
        assertEquals(3, slots("every_5_minutes", null, "2026-03-10T00:00:00Z", "2026-03-10T00:15:00Z").size());
        assertEquals(15, slots("every_minute", null, "2026-03-10T00:00:00Z", "2026-03-10T00:15:00Z").size());
    }

    @Test
    void aCronExpressionIsReadOnTheWallClockOfItsZone() {
        // 09:00 on weekdays in New York (EST, UTC-5, in January)
        assertEquals(instants("2026-01-09T14:00:00Z", "2026-01-12T14:00:00Z"),
                slots("0 9 * * MON-FRI", "America/New_York", "2026-01-09T00:00:00Z", "2026-01-12T23:00:00Z"));
    }

    @Test
    void aSlotInTheSkippedHourRunsOnceAtTheFirstInstantAfterTheGap() {
        // Berlin springs forward on 2026-03-29 from 02:00 (+01:00) to 03:00 (+02:00): 02:30 does not exist that day
        assertEquals(instants("2026-03-28T01:30:00Z", "2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z"),
                slots("30 2 * * *", "Europe/Berlin", "2026-03-28T00:00:00Z", "2026-03-31T00:00:00Z"));
        // every 15 minutes: 02:00, 02:15, 02:30 and 02:45 are all skipped; one slot runs at 03:00, then 03:15 as usual
        assertEquals(instants("2026-03-29T00:45:00Z", "2026-03-29T01:00:00Z", "2026-03-29T01:15:00Z"),
                slots("every_15_minutes", "Europe/Berlin", "2026-03-29T00:30:00Z", "2026-03-29T01:15:00Z"));
    }

    @Test
    void aSlotInTheRepeatedHourRunsOnce() {
        // Berlin falls back on 2026-10-25 from 03:00 (+02:00) to 02:00 (+01:00): 02:30 happens twice, the slot runs at the first
        assertEquals(instants("2026-10-24T00:30:00Z", "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"),
                slots("30 2 * * *", "Europe/Berlin", "2026-10-24T00:00:00Z", "2026-10-27T00:00:00Z"));
        // hourly: 02:00 once (at +02:00), then 03:00 (+01:00); the repeat of 02:00 is no second slot
        assertEquals(instants("2026-10-24T23:00:00Z", "2026-10-25T00:00:00Z", "2026-10-25T02:00:00Z"),
                slots("hourly", "Europe/Berlin", "2026-10-24T22:30:00Z", "2026-10-25T02:00:00Z"));
        // asked from inside the repeat, the next slot is after it, never one of the hour already run
        assertEquals(Instant.parse("2026-10-25T02:00:00Z"), Schedule.of("every_15_minutes", "Europe/Berlin").next(Instant.parse("2026-10-25T01:20:00Z")));
    }

    @Test
    void anExpressionWithNoDateHasNoSlot() {
        assertNull(Schedule.of("0 0 30 2 *", null).next(Instant.parse("2026-01-01T00:00:00Z")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe"})
    void anIanaZoneIsATimezone(String zone) {
        assertNull(Schedules.zoneRefusal(zone));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Mars/Olympus", "CEST", "+02:00", "UTC+2", "", "europe/berlin"})
    void anythingElseIsRefusedNamingTheField(String zone) {
        List<FieldError> errors = refused(Map.of("schedule", "daily", "timezone", zone, "actions", List.of(Map.of("type", "add_tag", "tag", "x"))));
        assertEquals("action_configuration.timezone", errors.get(0).path(), errors.toString());
        assertTrue(errors.get(0).message().contains("IANA"), errors.toString());
    }

    @Test
    void catchUpAndOverlapAreOneOfTheirPolicies() {
        List<FieldError> errors = refused(Map.of("schedule", "daily", "catch_up", "sometimes", "overlap", 3,
                "actions", List.of(Map.of("type", "add_tag", "tag", "x"))));
        assertEquals(List.of("action_configuration.catch_up", "action_configuration.overlap"), errors.stream().map(FieldError::path).sorted().toList());
    }

    private static List<FieldError> refused(Map<String, Object> actionConfiguration) {
        Map<String, Object> body = Map.of("name", "x", "trigger_type", "time_based", "action_configuration", actionConfiguration);
        return assertThrows(InvalidTrigger.class, () -> TriggerDefinition.from(body, TriggerDefinitionTest.ACTIONS)).errors();
    }
}
