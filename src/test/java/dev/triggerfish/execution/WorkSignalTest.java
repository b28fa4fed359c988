package dev.triggerfish.execution;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkSignalTest {

    @Test
    void aFreshRunnerLooksForWork() {
        assertTrue(new WorkSignal().mayWait());
    }

    @Test
    void aClaimThatTookLessThanItAskedForMeansNothingWaits() {
        WorkSignal work = new WorkSignal();
        work.claiming();
        work.claimed(3, 10);
        assertFalse(work.mayWait(), "the executions intake ran itself end without an empty claim each");
    }

    @Test
    void aClaimThatTookAllItAskedForMeansMoreMayWait() {
        WorkSignal work = new WorkSignal();
        work.claiming();
        work.claimed(10, 10);
        assertTrue(work.mayWait());
        assertTrue(work.more(), "a full claim says more is waiting: the next needs no probe");
    }

    @Test
    void onlyAFullClaimSaysMoreIsSurelyWaiting() {
        WorkSignal work = new WorkSignal();
        work.signal();
        assertFalse(work.more(), "a wake-up says work may be waiting, not that it is");
        work.claiming();
        work.claimed(10, 10);
        work.claiming();
        assertFalse(work.more(), "the claim that follows a full one finds out afresh");
        work.claimed(3, 10);
        assertFalse(work.more());
    }

    @Test
    void aWakeUpDuringAClaimIsNotLost() {
        WorkSignal work = new WorkSignal();
        work.claiming();
        work.signal();
        work.claimed(0, 10);
        assertTrue(work.mayWait(), "what was created while the claim ran is still to be claimed");
    }

    @Test
    void aWakeUpAfterAnEmptyClaimMeansWorkMayWait() {
        WorkSignal work = new WorkSignal();
        work.claiming();
        work.claimed(0, 10);
        work.signal();
        assertTrue(work.mayWait());
    }

    @Test
    void aFailedClaimLeavesItsWorkToBeClaimed() {
        WorkSignal work = new WorkSignal();
        work.claiming();
        work.failed();
        assertTrue(work.mayWait());
    }
}
