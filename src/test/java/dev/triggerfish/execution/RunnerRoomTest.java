package dev.triggerfish.execution;

import io.smallrye.mutiny.helpers.test.UniAssertSubscriber;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Intake's and the claim's wait for runner room (plain Java: the runner's slots, nothing else). */
class RunnerRoomTest {
    private final RunnerRoom room = new RunnerRoom(4);

    @Test
    void aWaitingRequestGetsItsSlotsOnceEnoughWorkHasEnded() {
        assertEquals(4, room.reserve(4));
        UniAssertSubscriber<Integer> waiting = room.awaitRoom(3, Duration.ofSeconds(30)).subscribe().withSubscriber(UniAssertSubscriber.create());
        room.release(2);
        waiting.assertNotTerminated();
        room.release(1);
        waiting.awaitItem(Duration.ofSeconds(5)).assertItem(3);
        assertEquals(0, room.reserve(5), "the freed slots went to the waiting request");
    }

    @Test
    void requestsAreServedInTheOrderTheyCame() {
        assertEquals(4, room.reserve(4));
        UniAssertSubscriber<Integer> first = room.awaitRoom(2, Duration.ofSeconds(30)).subscribe().withSubscriber(UniAssertSubscriber.create());
        UniAssertSubscriber<Integer> second = room.awaitRoom(1, Duration.ofSeconds(30)).subscribe().withSubscriber(UniAssertSubscriber.create());
        room.release(1);
        second.assertNotTerminated();
        first.assertNotTerminated();
        room.release(2);
        first.awaitItem(Duration.ofSeconds(5)).assertItem(2);
        second.awaitItem(Duration.ofSeconds(5)).assertItem(1);
    }

    @Test
    void afterItsWaitARequestTakesWhatIsFree() {
        assertEquals(3, room.reserve(3));
        room.awaitRoom(3, Duration.ofMillis(50)).subscribe().withSubscriber(UniAssertSubscriber.create())
                .awaitItem(Duration.ofSeconds(5)).assertItem(1);
        assertEquals(0, room.reserve(1));
    }

    @Test
    void aRequestThatWentAwayTakesNothing() {
        assertEquals(4, room.reserve(4));
        UniAssertSubscriber<Integer> waiting = room.awaitRoom(2, Duration.ofSeconds(30)).subscribe().withSubscriber(UniAssertSubscriber.create());
        waiting.cancel();
        room.release(2);
        assertEquals(2, room.reserve(2), "the slots stayed free for others");
    }

    @Test
    void aClaimTakesItsTurnWithTheWaitingRequests() {
        // without a turn, every slot freed went to the next waiting request: while intake stayed busy, due work
        // in the database (retries, delays, schedules, other replicas' overflow) was not claimed at all
        assertEquals(4, room.reserve(4));
        UniAssertSubscriber<Integer> before = room.awaitRoom(2, Duration.ofSeconds(30)).subscribe().withSubscriber(UniAssertSubscriber.create());
        UniAssertSubscriber<Integer> claim = room.awaitClaimRoom(4, 2, Duration.ofSeconds(30)).subscribe().withSubscriber(UniAssertSubscriber.create());
        UniAssertSubscriber<Integer> after = room.awaitRoom(2, Duration.ofSeconds(30)).subscribe().withSubscriber(UniAssertSubscriber.create());
        room.release(2);
        before.awaitItem(Duration.ofSeconds(5)).assertItem(2);
        claim.assertNotTerminated();
        room.release(2);
        claim.awaitItem(Duration.ofSeconds(5)).assertItem(2);
        after.assertNotTerminated();
        room.release(2);
        after.awaitItem(Duration.ofSeconds(5)).assertItem(2);
    }

    @Test
    void anIdleRunnerClaimsAsManyAsAreFree() {
        room.awaitClaimRoom(10, 2, Duration.ofSeconds(30)).subscribe().withSubscriber(UniAssertSubscriber.create()).assertItem(4);
        assertEquals(0, room.reserve(1));
    }

    @Test
    void aBusyRunnerClaimsAtOnceWhenEnoughIsFree() {
        assertEquals(1, room.reserve(1));
        room.awaitClaimRoom(10, 2, Duration.ofSeconds(30)).subscribe().withSubscriber(UniAssertSubscriber.create()).assertItem(3);
    }

    @Test
    void closingSendsTheWaitingAwayWithNothing() {
        assertEquals(4, room.reserve(4));
        UniAssertSubscriber<Integer> request = room.awaitRoom(2, Duration.ofSeconds(30)).subscribe().withSubscriber(UniAssertSubscriber.create());
        UniAssertSubscriber<Integer> claim = room.awaitClaimRoom(4, 2, Duration.ofSeconds(30)).subscribe().withSubscriber(UniAssertSubscriber.create());
        room.close();
        request.awaitItem(Duration.ofSeconds(5)).assertItem(0); // its work waits as pending, for another replica
        claim.awaitItem(Duration.ofSeconds(5)).assertItem(0);
        room.release(4);
        assertEquals(0, room.reserve(1), "a closed room grants nothing");
    }

    @Test
    void aRunnerWithRoomAnswersAtOnce() {
        room.awaitRoom(10, Duration.ofSeconds(30)).subscribe().withSubscriber(UniAssertSubscriber.create()).assertItem(4);
        assertEquals(0, room.reserve(1));
    }
}
