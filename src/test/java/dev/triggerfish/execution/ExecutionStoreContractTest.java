package dev.triggerfish.execution;

import dev.triggerfish.StoreDatabase;
import dev.triggerfish.action.StepResult;
import dev.triggerfish.support.HotPathPool;
import dev.triggerfish.support.ReplicaId;
import dev.triggerfish.template.Secrets;
import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;

import static dev.triggerfish.StoreDatabase.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The storage contract of {@link ExecutionStore} between replicas, one test per operation: while
 * replica B holds the claim on an execution, replica A's checkpoint, finish, heartbeat and release
 * change no row and say so; a claim that has not expired is not taken; one that has is, and its former
 * holder then loses in turn; two replicas claiming at once never get the same execution; the probe of
 * whether a claim would find anything agrees with the claim.
 */
class ExecutionStoreContractTest {
    static final Duration LEASE = Duration.ofSeconds(30);
    static final String A = "replica-a";
    static final String B = "replica-b";
    static final long TRIGGER = 11;

    final StoreDatabase db = StoreDatabase.shared();
    final ExecutionStore store = new ExecutionStore(db.pool(), new Secrets(Map.of()), new ExecutionMetrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry()));
    long nextEvent = 1;
    long id;
    String before;

    /** One execution, claimed by B. */
    @BeforeEach
    void bHoldsAnExecution() {
        db.clear();
        id = insertPending(1).get(0);
        assertEquals(List.of(id), claim(B));
        before = snapshot(id);
    }

    /** A lost operation changes the queue (V20) no more than the history: it still holds what the history says. */
    @AfterEach
    void theQueueFollowsTheHistory() {
        assertEquals(List.of(), db.queueMismatches());
    }

    @Test
    void aCheckpointLosesCleanlyWhenAnotherReplicaHoldsTheClaim() {
        assertEquals(Set.of(), await(store.record(db.pool(), A, List.of(step(id, ExecutionStatus.COMPLETED)), LEASE)));
        assertEquals(Set.of(), await(store.record(db.pool(), A, List.of(step(id, null)), LEASE)));
        assertEquals(before, snapshot(id));
        assertEquals(0, db.row("select count(*) as n from execution_steps where execution_id = $1", id).getLong("n"), "no step written");
    }

    @Test
    void aCheckpointThroughTheJournalFailsWithLostClaim() {
        ReplicaId replica = new ReplicaId();
        StepJournal journal = new StepJournal(store, HotPathPool.of(db.pool()), runnerConfig(), replica);
        CompletionException thrown = assertThrows(CompletionException.class,
                () -> journal.write(step(id, null)).subscribeAsCompletionStage().join());
        assertInstanceOf(LostClaim.class, thrown.getCause());
        assertEquals(before, snapshot(id));
    }

    @Test
    void aFinishLosesCleanlyWhenAnotherReplicaHoldsTheClaim() {
        for (ExecutionStatus end : List.of(ExecutionStatus.COMPLETED, ExecutionStatus.FAILED, ExecutionStatus.CANCELLED)) {
            assertFalse(await(store.finish(A, id, end, "ended by the wrong replica")), end.wireName());
        }
        assertEquals(before, snapshot(id));
    }

    @Test
    void aHeartbeatLosesCleanlyWhenAnotherReplicaHoldsTheClaim() {
        assertEquals(0, await(store.renew(A, List.of(id), Duration.ofMinutes(10))));
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
        db.sql("update trigger_executions set lease_until = now() - interval '1 second' where id = $1", id);
        assertEquals(List.of(id), claim(A));
        assertEquals(A, db.row("select claimed_by from trigger_executions where id = $1", id).getString("claimed_by"));
        assertEquals(2, db.row("select attempt from trigger_executions where id = $1", id).getInteger("attempt"));
        String taken = snapshot(id);

        // B, back from its pause, loses every operation
        assertEquals(Set.of(), await(store.record(db.pool(), B, List.of(step(id, ExecutionStatus.COMPLETED)), LEASE)));
        assertFalse(await(store.finish(B, id, ExecutionStatus.COMPLETED, null)));
        assertEquals(0, await(store.renew(B, List.of(id), LEASE)));
        assertEquals(0, await(store.release(B)));
        assertEquals(taken, snapshot(id));
        assertTrue(await(store.finish(A, id, ExecutionStatus.COMPLETED, null)));
    }

    @Test
    void aClaimableProbeSeesWhatAClaimWouldTake() {
        assertFalse(await(store.anyClaimable()), "B holds the only execution, within its lease");
        db.sql("update trigger_executions set lease_until = now() - interval '1 second' where id = $1", id);
        assertTrue(await(store.anyClaimable()), "B's claim expired");
        assertEquals(List.of(id), claim(A));
        assertFalse(await(store.anyClaimable()));
        long later = insertPending(1).get(0);
        db.sql("update trigger_executions set next_attempt_at = now() + interval '1 hour' where id = $1", later);
        assertFalse(await(store.anyClaimable()), "due in an hour: not yet");
        db.sql("update trigger_executions set next_attempt_at = now() - interval '1 second' where id = $1", later);
        assertTrue(await(store.anyClaimable()));
        assertEquals(List.of(later), claim(A));
    }

    @Test
    void twoReplicasClaimingAtOnceNeverGetTheSameExecution() {
        Set<Long> due = new HashSet<>(insertPending(400));
        List<Long> byA = new ArrayList<>();
        List<Long> byB = new ArrayList<>();
        for (int round = 0; round < 10 && byA.size() + byB.size() < due.size(); round++) {
            // both claims in flight at once, on two connections
            List<List<Long>> claimed = await(Uni.combine().all().unis(claimUni(A, 70), claimUni(B, 70)).with((a, b) -> List.of(a, b)));
            byA.addAll(claimed.get(0));
            byB.addAll(claimed.get(1));
        }
        Set<Long> all = new HashSet<>(byA);
        all.addAll(byB);
        assertEquals(byA.size() + byB.size(), all.size(), "an execution was handed to two replicas (or twice to one)");
        assertEquals(due, all);
        assertEquals(new HashSet<>(byA), ids("select id from trigger_executions where claimed_by = $1", A));
        assertEquals(new HashSet<>(byB), ids("select id from trigger_executions where claimed_by = $1 and id <> $2", B, id));
    }

    List<Long> insertPending(int n) {
        List<NewExecution> executions = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            executions.add(new NewExecution(TRIGGER, 1, nextEvent++, "contact", String.valueOf(i), ExecutionStatus.PENDING,
                    OffsetDateTime.now().minusSeconds(1), null));
        }
        assertEquals(n, await(store.insert(db.pool(), executions)));
        return new ArrayList<>(ids("select id from trigger_executions where trigger_id = $1 and event_id >= $2", TRIGGER, nextEvent - n))
                .stream().sorted().toList();
    }

    List<Long> claim(String owner) {
        return await(claimUni(owner, 100));
    }

    Uni<List<Long>> claimUni(String owner, int limit) {
        return store.claim(owner, limit, LEASE).map(claimed -> claimed.stream().map(ClaimedExecution::id).toList());
    }

    /** The checkpoint of step 0 as A would write it, thinking it still held the execution. */
    StepRecord step(long execution, ExecutionStatus end) {
        ClaimedExecution held = new ClaimedExecution(execution, TRIGGER, 1, 1, "contact", "0", 0, 1, null, false);
        return new StepRecord(held, 0, "webhook", execution + ":0", StepResult.completed(Map.of()), OffsetDateTime.now(), 2, end, null, null);
    }

    Set<Long> ids(String sql, Object... params) {
        Set<Long> out = new HashSet<>();
        db.sql(sql, params).forEach(row -> out.add(row.getLong("id")));
        return out;
    }

    String snapshot(long execution) {
        return db.row("select to_jsonb(t)::text as row from trigger_executions t where id = $1", execution).getString("row");
    }

    /** The runner's configuration as the journal reads it: its lease and its flushes at once. */
    static RunnerConfig runnerConfig() {
        return (RunnerConfig) Proxy.newProxyInstance(RunnerConfig.class.getClassLoader(), new Class<?>[] {RunnerConfig.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "lease" -> LEASE;
                    case "journalFlushes" -> 2;
                    case "toString" -> "RunnerConfig(lease=" + LEASE + ", journalFlushes=2)";
                    default -> throw new UnsupportedOperationException("StepJournal reads only the lease and the flushes, not " + method.getName());
                });
    }
}
