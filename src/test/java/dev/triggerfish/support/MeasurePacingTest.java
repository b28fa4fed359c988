package dev.triggerfish.support;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Times are made up (nanos), nothing waits. */
class MeasurePacingTest {
    static final long MS = 1_000_000L;
    static final long START = 7_000 * MS;

    /** A made-up first measurement, so that the next ones are paced by their cost. */
    static MeasurePacing warm() {
        MeasurePacing pacing = new MeasurePacing(1_000 * MS, 10_000 * MS, 20, START - 1_000 * MS);
        assertTrue(pacing.start(START - 1_000 * MS));
        pacing.measured(START - 1_000 * MS, START - 999 * MS);
        return pacing;
    }

    @Test
    void theFirstMeasurementIsNotTakenAsTheCost() {
        MeasurePacing pacing = new MeasurePacing(1_000 * MS, 10_000 * MS, 20, START);
        assertTrue(pacing.start(START));
        pacing.measured(START, START + 400 * MS); // connections opened, statements planned
        assertTrue(pacing.start(START + 1_000 * MS));
    }

    @Test
    void aCheapMeasurementRunsEveryInterval() {
        MeasurePacing pacing = new MeasurePacing(1_000 * MS, 10_000 * MS, 20, START);
        assertTrue(pacing.start(START));
        pacing.measured(START, START + 5 * MS);
        assertFalse(pacing.start(START + 999 * MS));
        assertTrue(pacing.start(START + 1_000 * MS));
    }

    @Test
    void aSlowMeasurementRunsLessOftenSoThatItTakesAtMostItsShareOfTheTime() {
        MeasurePacing pacing = warm();
        assertTrue(pacing.start(START));
        pacing.measured(START, START + 400 * MS); // a count of a large backlog
        assertFalse(pacing.start(START + 7_999 * MS));
        assertTrue(pacing.start(START + 8_000 * MS));
        pacing.measured(START + 8_000 * MS, START + 8_010 * MS); // the backlog drained: every interval again
        assertTrue(pacing.start(START + 9_000 * MS));
    }

    @Test
    void aVerySlowMeasurementStillRunsWithinTheMaximumInterval() {
        MeasurePacing pacing = warm();
        assertTrue(pacing.start(START));
        pacing.measured(START, START + 2_000 * MS); // 20 times that would be 40 s
        assertFalse(pacing.start(START + 9_999 * MS));
        assertTrue(pacing.start(START + 10_000 * MS));
    }

    @Test
    void oneMeasurementAtATime() {
        MeasurePacing pacing = new MeasurePacing(1_000 * MS, 10_000 * MS, 20, START);
        assertTrue(pacing.start(START));
        assertFalse(pacing.start(START + 5_000 * MS), "the first still runs");
        pacing.failed();
        assertTrue(pacing.start(START + 5_001 * MS), "after a failure the next starts at once");
    }

    @Test
    void nanoTimeMayBeNegative() {
        long start = Long.MIN_VALUE + 10;
        MeasurePacing pacing = new MeasurePacing(1_000 * MS, 10_000 * MS, 20, start);
        assertTrue(pacing.start(start));
        pacing.measured(start, start + MS);
        assertFalse(pacing.start(start + 500 * MS));
        assertTrue(pacing.start(start + 1_000 * MS));
    }
}
