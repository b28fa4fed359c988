package dev.triggerfish.schedule;

import dev.triggerfish.trigger.Schedule;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 11, item 3: which planned slots run, and why the others do not; the slot state machine. */
class SlotPlanTest {
    private static final Schedule HOURLY = Schedule.of("hourly", null);
    private static final Instant AFTER = Instant.parse("2026-03-10T09:00:00Z");
    private static final Duration GRACE = Duration.ofMinutes(5);

    private static List<SlotStatus> statuses(String catchUp, String now, int max) {
        return SlotPlan.plan(HOURLY, catchUp, AFTER, Instant.parse(now), GRACE, max).stream().map(SlotPlan.Planned::status).toList();
    }

    @Test
    void onTimeSlotsRunWhateverTheCatchUp() {
        for (String policy : new String[] {null, "last", "all", "none"}) {
            assertEquals(List.of(SlotStatus.DUE), statuses(policy, "2026-03-10T10:00:30Z", 1000), String.valueOf(policy));
        }
    }

    @Test
    void afterDowntimeLastRunsTheLatestMissedSlotAllRunsEachNoneRunsNone() {
        // 10:00 … 13:00 passed; the scheduler is back at 13:20
        String now = "2026-03-10T13:20:00Z";
        SlotStatus due = SlotStatus.DUE;
        SlotStatus skipped = SlotStatus.SKIPPED;
        assertEquals(List.of(skipped, skipped, skipped, due), statuses(null, now, 1000));
        assertEquals(List.of(due, due, due, due), statuses("all", now, 1000));
        assertEquals(List.of(skipped, skipped, skipped, skipped), statuses("none", now, 1000));
        assertTrue(SlotPlan.plan(HOURLY, "last", AFTER, Instant.parse(now), GRACE, 1000).get(0).reason().startsWith("missed (catch_up: last)"));
    }

    @Test
    void missedSlotsFollowedByAnOnTimeOneAreCoveredByIt() {
        assertEquals(List.of(SlotStatus.SKIPPED, SlotStatus.SKIPPED, SlotStatus.DUE), statuses("last", "2026-03-10T12:01:00Z", 1000));
    }

    @Test
    void aPassCutShortByMaxRunsNoneOfItsMissedSlotsWithLastTheNextPassDecides() {
        assertEquals(List.of(SlotStatus.SKIPPED, SlotStatus.SKIPPED), statuses("last", "2026-03-10T20:20:00Z", 2));
        assertEquals(List.of(SlotStatus.DUE, SlotStatus.DUE), statuses("all", "2026-03-10T20:20:00Z", 2));
    }

    @Test
    void aSlotMovesOnlyAsItsStateMachineAllows() {
        assertTrue(SlotStatus.DUE.canBecome(SlotStatus.RUNNING));
        for (SlotStatus end : EnumSet.of(SlotStatus.COMPLETED, SlotStatus.SKIPPED, SlotStatus.FAILED)) {
            assertTrue(SlotStatus.RUNNING.canBecome(end), end.wireName());
            assertTrue(EnumSet.allOf(SlotStatus.class).stream().noneMatch(end::canBecome), end.wireName() + " is final");
        }
        assertTrue(SlotStatus.RUNNING.canBecome(SlotStatus.RUNNING)); // taken over after its lease expired
        assertFalse(SlotStatus.DUE.canBecome(SlotStatus.COMPLETED));
        assertThrows(IllegalStateException.class, () -> SlotStatus.checkTransition(SlotStatus.COMPLETED, SlotStatus.RUNNING));
        assertEquals(EnumSet.of(SlotStatus.DUE, SlotStatus.SKIPPED), SlotStatus.INITIAL);
    }
}
