package dev.triggerfish.execution;

import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which claims the heartbeat renews (plain Java: the renewal is a list of the ids it was given). */
class ClaimHeartbeatTest {
    private static final long SECOND = 1_000_000_000L;

    private final List<List<Long>> renewed = new ArrayList<>();
    private final ClaimHeartbeat heartbeat = new ClaimHeartbeat(ids -> {
        renewed.add(ids);
        return Uni.createFrom().voidItem();
    }, Duration.ofSeconds(5));

    @Test
    void onlyClaimsNotExtendedForAnIntervalAreRenewed() {
        heartbeat.claimed(1, 0);
        heartbeat.claimed(2, 0);
        heartbeat.extended(2, 3 * SECOND); // its checkpoint extended it
        heartbeat.beat(5 * SECOND).await().indefinitely();
        assertEquals(List.of(List.of(1L)), renewed);
    }

    @Test
    void aRenewedClaimIsDueAgainAnIntervalLater() {
        heartbeat.claimed(1, 0);
        heartbeat.beat(5 * SECOND).await().indefinitely();
        heartbeat.beat(9 * SECOND).await().indefinitely();
        heartbeat.beat(10 * SECOND).await().indefinitely();
        assertEquals(List.of(List.of(1L), List.of(1L)), renewed);
    }

    @Test
    void anEndedExecutionIsNotRenewedAndNothingIsSentWhenNoneIsDue() {
        heartbeat.claimed(1, 0);
        heartbeat.ended(1);
        heartbeat.extended(1, 0); // a late checkpoint of an ended execution does not bring it back
        heartbeat.beat(60 * SECOND).await().indefinitely();
        assertEquals(List.of(), renewed);
    }
}
