package dev.triggerfish.event;

import dev.triggerfish.StoreDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.triggerfish.StoreDatabase.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The storage contract of {@link EventStore} between replicas, one test per operation: while replica B
 * holds the claim on an event, replica A's give-back, dispatch, failure and release change no row and
 * say so; a claim that has not expired is not taken, one that has is; two replicas claiming at once
 * never get the same event.
 */
class EventStoreContractTest {
    static final Duration LEASE = Duration.ofSeconds(30);
    static final String A = "replica-a";
    static final String B = "replica-b";
    static final int MAX_ATTEMPTS = 5;

    final StoreDatabase db = StoreDatabase.shared();
    final EventStore store = new EventStore(db.pool(), new SimpleMeterRegistry());
    long id;
    String before;

    /** One event, claimed by B. */
    @BeforeEach
    void bHoldsAnEvent() {
        db.clear();
        id = append(1).get(0);
        assertEquals(List.of(id), claim(B));
        before = snapshot(id);
    }

    @Test
    void aGiveBackLosesCleanlyWhenAnotherReplicaHoldsTheClaim() {
        assertEquals(0, await(store.giveBack(A, List.of(id), "dispatch failed", MAX_ATTEMPTS, LEASE)));
        assertEquals(0, await(store.giveBack(A, List.of(id), "dispatch failed", 1, LEASE)), "not even failed for lack of attempts");
        assertEquals(before, snapshot(id));
    }

    @Test
    void markingDispatchedLosesCleanlyWhenAnotherReplicaHoldsTheClaim() {
        assertEquals(0, await(store.markDispatched(db.pool(), A, List.of(id), java.util.Collections.singletonList(null))));
        assertEquals(before, snapshot(id));
    }

    @Test
    void failingLosesCleanlyWhenAnotherReplicaHoldsTheClaim() {
        assertEquals(0, await(store.fail(A, List.of(id), List.of("cannot be read"))));
        assertEquals(before, snapshot(id));
    }

    @Test
    void aReleaseLosesCleanlyWhenAnotherReplicaHoldsTheClaim() {
        assertEquals(0, await(store.release(A)));
        assertEquals(before, snapshot(id));
    }

    @Test
    void aClaimThatHasNotExpiredIsNotTakenByAnotherReplica() {
        assertEquals(List.of(), claim(A));
        assertEquals(before, snapshot(id));
    }

    @Test
    void anExpiredClaimIsTakenByAnotherReplicaWhoseHoldThenWins() {
        // time passing, without waiting for it: B's lease ran out a second ago
        db.sql("update events set lease_until = now() - interval '1 second' where id = $1", id);
        assertEquals(List.of(id), claim(A));
        assertEquals(A, db.row("select claimed_by from events where id = $1", id).getString("claimed_by"));
        assertEquals(2, db.row("select attempts from events where id = $1", id).getInteger("attempts"));
        String taken = snapshot(id);

        assertEquals(0, await(store.giveBack(B, List.of(id), "dispatch failed", MAX_ATTEMPTS, LEASE)));
        assertEquals(0, await(store.markDispatched(db.pool(), B, List.of(id), java.util.Collections.singletonList(null))));
        assertEquals(0, await(store.release(B)));
        assertEquals(taken, snapshot(id));
        assertEquals(1, await(store.markDispatched(db.pool(), A, List.of(id), java.util.Collections.singletonList(null))));
    }

    @Test
    void twoReplicasClaimingAtOnceNeverGetTheSameEvent() {
        Set<Long> fresh = new HashSet<>(append(400));
        List<Long> byA = new ArrayList<>();
        List<Long> byB = new ArrayList<>();
        for (int round = 0; round < 10 && byA.size() + byB.size() < fresh.size(); round++) {
            // both claims in flight at once, on two connections
            List<List<Long>> claimed = await(Uni.combine().all().unis(claimUni(A, 70), claimUni(B, 70)).with((a, b) -> List.of(a, b)));
            byA.addAll(claimed.get(0));
            byB.addAll(claimed.get(1));
        }
        Set<Long> all = new HashSet<>(byA);
        all.addAll(byB);
        assertEquals(byA.size() + byB.size(), all.size(), "an event was handed to two replicas (or twice to one)");
        assertEquals(fresh, all);
    }

    List<Long> append(int n) {
        List<NewEvent> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            events.add(NewEvent.change("updated", "contact", String.valueOf(i), Map.of("version", 1), Map.of("version", 2), "api", 0, null));
        }
        return await(store.append(db.pool(), events));
    }

    List<Long> claim(String owner) {
        return await(claimUni(owner, 100));
    }

    Uni<List<Long>> claimUni(String owner, int limit) {
        return store.claim(owner, limit, LEASE, MAX_ATTEMPTS).map(claimed -> claimed.stream().map(StoredEvent::id).toList());
    }

    String snapshot(long event) {
        return db.row("select to_jsonb(e)::text as row from events e where id = $1", event).getString("row");
    }
}
