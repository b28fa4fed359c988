package dev.triggerfish.execution;

import io.smallrye.mutiny.helpers.test.UniAssertSubscriber;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Intake's wait for runner room (plain Java: the runner's slots, nothing else). */
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
    void aRunnerWithRoomAnswersAtOnce() {
        room.awaitRoom(10, Duration.ofSeconds(30)).subscribe().withSubscriber(UniAssertSubscriber.create()).assertItem(4);
        assertEquals(0, room.reserve(1));
    }
}
