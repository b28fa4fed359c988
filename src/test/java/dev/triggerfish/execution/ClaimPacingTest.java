package dev.triggerfish.execution;

import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.Supplier;

import static io.smallrye.mutiny.helpers.test.UniAssertSubscriber.create;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * When a replica claims, and into how many slots (plain Java: a real {@link RunnerRoom}; the database's
 * answers are the functions a claim is given: "is anything claimable", and the executions a claim takes).
 */
class ClaimPacingTest {
    private final RunnerRoom room = new RunnerRoom(4);
    /** A busy room's turn is short here, so that a test sees it end. */
    private final ClaimPacing pacing = new ClaimPacing(room, 10, 4, Duration.ofMillis(20));
    /** The slots each claim was given. */
    private final List<Integer> claims = Collections.synchronizedList(new ArrayList<>());

    private List<Integer> next(boolean claimable, int waiting) {
        Supplier<Uni<Boolean>> probe = () -> Uni.createFrom().item(claimable);
        IntFunction<Uni<List<Integer>>> claim = slots -> {
            claims.add(slots);
            List<Integer> taken = new ArrayList<>();
            for (int i = 0; i < Math.min(slots, waiting); i++) {
                taken.add(i);
            }
            return Uni.createFrom().item(taken);
        };
        return pacing.next(probe, claim).subscribe().withSubscriber(create()).awaitItem(Duration.ofSeconds(5)).getItem();
    }

    @Test
    void anIdleRoomClaimsAtOnceAndGivesBackTheSlotsItDidNotFill() {
        assertEquals(2, next(true, 2).size());
        assertEquals(List.of(4), claims, "as many slots as are free, up to a batch");
        assertEquals(2, room.inUse(), "the two slots the claim did not fill are free again");
        assertFalse(pacing.mayWait(), "a claim that took less than it asked for: nothing waits until the next wake-up");
        assertEquals(List.of(), next(true, 2));
        assertEquals(1, claims.size(), "no claim until something says work may be waiting");
    }

    @Test
    void aBusyRoomProbesBeforeItTakesATurn() {
        assertEquals(4, room.reserve(4));
        assertEquals(List.of(), next(false, 0));
        assertEquals(List.of(), claims, "nothing claimable: no turn taken, no claim");
        assertFalse(pacing.mayWait());
    }

    /**
     * Work was found while every slot was busy, and the claim's turn ended before one came free: that
     * work still waits, so the next slot that comes free claims it (it waited for the next poll before).
     */
    @Test
    void workFoundWhileTheRoomStaysFullIsClaimedByTheNextSlotThatComesFree() {
        assertEquals(4, room.reserve(4));
        assertEquals(List.of(), next(true, 5));
        assertEquals(List.of(), claims, "no slot came free during the turn");
        assertTrue(pacing.mayWait(), "the work found still waits for a slot");

        room.release(1);
        assertEquals(1, next(true, 5).size());
        assertEquals(List.of(1), claims);
        assertTrue(pacing.mayWait(), "a claim that filled its slots: more may wait");
    }

    @Test
    void aClaimThatFailsGivesBackItsSlotsAndLeavesItsWorkToBeClaimed() {
        Throwable failure = pacing.next(() -> Uni.createFrom().item(true), slots -> Uni.createFrom().<List<Integer>>failure(new IllegalStateException("database away")))
                .subscribe().withSubscriber(create()).awaitFailure(Duration.ofSeconds(5)).getFailure();
        assertEquals("database away", failure.getMessage());
        assertEquals(0, room.inUse());
        assertTrue(pacing.mayWait());
    }
}
