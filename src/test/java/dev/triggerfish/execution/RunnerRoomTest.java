package dev.triggerfish.execution;

import dev.triggerfish.support.ReplicaId;
import io.smallrye.mutiny.helpers.test.UniAssertSubscriber;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Intake's wait for runner room (plain Java: the runner's slots without the database). */
class RunnerRoomTest {
    private final Runner runner = new Runner(null, null, null, null, null, null, null, null, config(4), new ReplicaId(), null);

    @Test
    void aWaitingRequestGetsItsSlotsOnceEnoughWorkHasEnded() {
        assertEquals(4, runner.reserve(4));
        UniAssertSubscriber<Integer> waiting = runner.awaitRoom(3, Duration.ofSeconds(30)).subscribe().withSubscriber(UniAssertSubscriber.create());
        runner.release(2);
        waiting.assertNotTerminated();
        runner.release(1);
        waiting.awaitItem(Duration.ofSeconds(5)).assertItem(3);
        assertEquals(0, runner.reserve(5), "the freed slots went to the waiting request");
    }

    @Test
    void requestsAreServedInTheOrderTheyCame() {
        assertEquals(4, runner.reserve(4));
        UniAssertSubscriber<Integer> first = runner.awaitRoom(2, Duration.ofSeconds(30)).subscribe().withSubscriber(UniAssertSubscriber.create());
        UniAssertSubscriber<Integer> second = runner.awaitRoom(1, Duration.ofSeconds(30)).subscribe().withSubscriber(UniAssertSubscriber.create());
        runner.release(1);
        second.assertNotTerminated();
        first.assertNotTerminated();
        runner.release(2);
        first.awaitItem(Duration.ofSeconds(5)).assertItem(2);
        second.awaitItem(Duration.ofSeconds(5)).assertItem(1);
    }

    @Test
    void afterItsWaitARequestTakesWhatIsFree() {
        assertEquals(3, runner.reserve(3));
        runner.awaitRoom(3, Duration.ofMillis(50)).subscribe().withSubscriber(UniAssertSubscriber.create())
                .awaitItem(Duration.ofSeconds(5)).assertItem(1);
        assertEquals(0, runner.reserve(1));
    }

    @Test
    void aRequestThatWentAwayTakesNothing() {
        assertEquals(4, runner.reserve(4));
        UniAssertSubscriber<Integer> waiting = runner.awaitRoom(2, Duration.ofSeconds(30)).subscribe().withSubscriber(UniAssertSubscriber.create());
        waiting.cancel();
        runner.release(2);
        assertEquals(2, runner.reserve(2), "the slots stayed free for others");
    }

    @Test
    void aRunnerWithRoomAnswersAtOnce() {
        runner.awaitRoom(10, Duration.ofSeconds(30)).subscribe().withSubscriber(UniAssertSubscriber.create()).assertItem(4);
        assertEquals(0, runner.reserve(1));
    }

    private static RunnerConfig config(int concurrency) {
        return new RunnerConfig() {
            @Override
            public boolean enabled() {
                return true;
            }

            @Override
            public int concurrency() {
                return concurrency;
            }

            @Override
            public int batchSize() {
                return 1;
            }

            @Override
            public Duration lease() {
                return Duration.ofSeconds(15);
            }

            @Override
            public Duration heartbeat() {
                return Duration.ofSeconds(5);
            }

            @Override
            public Duration pollInterval() {
                return Duration.ofSeconds(1);
            }

            @Override
            public Duration shutdownGrace() {
                return Duration.ofSeconds(1);
            }
        };
    }
}
