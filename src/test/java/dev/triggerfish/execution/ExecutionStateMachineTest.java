package dev.triggerfish.execution;

import dev.triggerfish.StoreDatabase;
import dev.triggerfish.action.StepResult;
import dev.triggerfish.template.Secrets;
import io.vertx.mutiny.sqlclient.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static dev.triggerfish.StoreDatabase.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The execution state machine against the real table: every store operation moves a row only as
 * {@link ExecutionStatus} allows, and the transitions the operations perform, read from a log the
 * database itself keeps ({@link StoreDatabase#statusChanges}), are exactly the ones the enum allows.
 */
class ExecutionStateMachineTest {
    static final Duration LEASE = Duration.ofSeconds(30);
    static final String A = "replica-a";
    static final String B = "replica-b";
    static final long TRIGGER = 7;

    final StoreDatabase db = StoreDatabase.shared();
    final ExecutionStore store = new ExecutionStore(db.pool(), new Secrets(Map.of()), new ExecutionMetrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry()));
    long nextEvent = 1;

    @BeforeEach
    void clear() {
        db.clear();
    }

    /** Whatever a test did, the queue (V20) holds exactly the executions due or running, at their due time or lease. */
    @AfterEach
    void theQueueFollowsTheHistory() {
        assertEquals(List.of(), db.queueMismatches());
    }

    @Test
    void everyStoreOperationMovesAnExecutionOnlyAsTheStateMachineAllows() {
        // created: due (now or delayed), decided at dispatch, claimed by the fast path, run by hand
        long pending = insert(ExecutionStatus.PENDING);
        long scheduled = insert(ExecutionStatus.SCHEDULED);
        long skipped = insert(ExecutionStatus.SKIPPED);
        long limited = insert(ExecutionStatus.RATE_LIMITED);
        long fast = await(store.insertClaimed(db.pool(), A, List.of(execution(ExecutionStatus.RUNNING)), LEASE)).get(0);
        long manual = await(store.insertDueNow(db.pool(), TRIGGER, 1, nextEvent++, "contact", "1"));
        Flow flow = new Flow("workflow 3 (x)", List.of(Map.of("type", "add_tag", "tag", "x")), true, 2, Map.of());
        long child = await(store.insertChild(db.pool(), new ChildExecution(TRIGGER, 1, nextEvent++, "contact", "1", flow, 3L, manual, 0,
                null, null)));
        assertStatus(child, ExecutionStatus.PENDING);
        assertStatus(pending, ExecutionStatus.PENDING);
        assertStatus(scheduled, ExecutionStatus.SCHEDULED);
        assertStatus(skipped, ExecutionStatus.SKIPPED);
        assertNotNull(db.row("select completed_at from trigger_executions where id = $1", skipped).getOffsetDateTime("completed_at"));
        assertStatus(limited, ExecutionStatus.RATE_LIMITED);
        assertStatus(fast, ExecutionStatus.RUNNING);
        assertStatus(manual, ExecutionStatus.PENDING);

        // claim: pending and scheduled become running, held by A
        Map<Long, ClaimedExecution> claimed = claim(A);
        assertEquals(Set.of(pending, scheduled, manual, child), claimed.keySet());
        assertEquals(flow, claimed.get(child).flow(), "a workflow's child runs the chain it was created with");
        claimed.keySet().forEach(id -> assertHeld(id, A));
        assertTrue(await(store.finish(A, child, ExecutionStatus.COMPLETED, null)));
        assertEnded(child, ExecutionStatus.COMPLETED);

        // checkpoint: running stays running, one step further, its step written
        assertEquals(Set.of(pending), record(A, step(claimed.get(pending), 0, StepResult.completed(Map.of()), null)));
        assertHeld(pending, A);
        assertEquals(1, db.row("select current_step from trigger_executions where id = $1", pending).getInteger("current_step"));
        assertEquals(1, db.row("select count(*) as n from execution_steps where execution_id = $1", pending).getLong("n"));

        // a transient fault: running becomes retrying, the claim given up; due again, it is claimed again
        assertEquals(Set.of(pending), record(A, step(claimed.get(pending), 1, StepResult.failed("HTTP 503", Map.of()), ExecutionStatus.RETRYING)));
        assertStatus(pending, ExecutionStatus.RETRYING);
        assertNull(db.row("select claimed_by from trigger_executions where id = $1", pending).getString("claimed_by"));
        ClaimedExecution retried = claim(A).get(pending);
        assertNotNull(retried);
        assertEquals(2, retried.attempt());
        assertHeld(pending, A);

        // a delay step: running becomes scheduled, the claim given up, the attempt not counted; due again, it is claimed again
        assertEquals(Set.of(pending), record(A, step(retried, 1, StepResult.pausedUntil(OffsetDateTime.now(), Map.of()),
                ExecutionStatus.SCHEDULED)));
        assertStatus(pending, ExecutionStatus.SCHEDULED);
        assertNull(db.row("select claimed_by from trigger_executions where id = $1", pending).getString("claimed_by"));
        assertEquals(2, db.row("select current_step from trigger_executions where id = $1", pending).getInteger("current_step"));
        assertEquals(1, db.row("select attempt from trigger_executions where id = $1", pending).getInteger("attempt"));
        ClaimedExecution resumed = claim(A).get(pending);
        assertNotNull(resumed);
        assertEquals(2, resumed.attempt(), "the delay was no attempt");

        // the last step: running becomes completed
        assertEquals(Set.of(pending), record(A, step(resumed, 2, StepResult.completed(Map.of()), ExecutionStatus.COMPLETED)));
        assertEnded(pending, ExecutionStatus.COMPLETED);

        // finished by the runner: failed, cancelled
        assertTrue(await(store.finish(A, scheduled, ExecutionStatus.FAILED, "failed: a bug")));
        assertEnded(scheduled, ExecutionStatus.FAILED);
        assertTrue(await(store.finish(A, manual, ExecutionStatus.CANCELLED, "the trigger was deleted")));
        assertEnded(manual, ExecutionStatus.CANCELLED);

        // the heartbeat: running stays running, its lease extended
        db.sql("update trigger_executions set lease_until = now() + interval '1 second' where id = $1", fast);
        assertEquals(1, await(store.renew(A, List.of(fast), LEASE)));
        assertTrue(db.row("select lease_until > now() + interval '20 seconds' as renewed from trigger_executions where id = $1", fast)
                .getBoolean("renewed"));

        // A's claim runs out: B takes the execution, running stays running; B's step fails for good
        expireLease(fast);
        ClaimedExecution taken = claim(B).get(fast);
        assertNotNull(taken);
        assertHeld(fast, B);
        assertEquals(Set.of(fast), record(B, step(taken, 0, StepResult.failed("HTTP 400", Map.of()), ExecutionStatus.FAILED)));
        assertEnded(fast, ExecutionStatus.FAILED);

        // released at shutdown: pending before the first step, retrying after one
        long first = insert(ExecutionStatus.PENDING);
        long later = insert(ExecutionStatus.PENDING);
        Map<Long, ClaimedExecution> held = claim(A);
        assertEquals(Set.of(first, later), held.keySet());
        record(A, step(held.get(later), 0, StepResult.completed(Map.of()), null));
        assertEquals(2, await(store.release(A)));
        assertStatus(first, ExecutionStatus.PENDING);
        assertStatus(later, ExecutionStatus.RETRYING);
        assertEquals(0, db.row("select attempt from trigger_executions where id = $1", later).getInteger("attempt"),
                "the interrupted attempt does not count");

        // replayed: failed and rate limited become retrying; nothing else moves
        List<Long> replayed = await(store.replay(List.of(scheduled, limited, fast, pending, skipped, manual, first)));
        assertEquals(new TreeSet<>(List.of(scheduled, limited, fast)), new TreeSet<>(replayed));
        assertStatus(scheduled, ExecutionStatus.RETRYING);
        assertStatus(limited, ExecutionStatus.RETRYING);
        assertStatus(fast, ExecutionStatus.RETRYING);
        assertStatus(pending, ExecutionStatus.COMPLETED);
        assertStatus(skipped, ExecutionStatus.SKIPPED);
        assertStatus(manual, ExecutionStatus.CANCELLED);
        assertStatus(first, ExecutionStatus.PENDING);

        // what the code did is what the state machine allows, no more and no less
        List<List<String>> changes = db.statusChanges("trigger_executions");
        Set<String> created = changes.stream().filter(c -> c.get(0) == null).map(c -> c.get(1)).collect(Collectors.toCollection(TreeSet::new));
        Set<String> performed = changes.stream().filter(c -> c.get(0) != null).map(c -> c.get(0) + " -> " + c.get(1))
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(Arrays.asList(ExecutionStatus.wireNames(ExecutionStatus.INITIAL))), created);
        assertEquals(allowedTransitions(), performed);
    }

    @Test
    void aTransitionTheStateMachineForbidsIsRefusedAndChangesNothing() {
        long id = insert(ExecutionStatus.PENDING);
        ClaimedExecution held = claim(A).get(id);
        String before = snapshot(id);

        for (ExecutionStatus notAnEnd : EnumSet.of(ExecutionStatus.PENDING, ExecutionStatus.RETRYING, ExecutionStatus.RUNNING,
                ExecutionStatus.SKIPPED, ExecutionStatus.RATE_LIMITED)) {
            assertThrows(IllegalArgumentException.class, () -> await(store.finish(A, id, notAnEnd, null)), notAnEnd.wireName());
        }
        assertThrows(IllegalStateException.class,
                () -> record(A, step(held, 0, StepResult.completed(Map.of()), ExecutionStatus.SKIPPED)));
        assertThrows(IllegalArgumentException.class, () -> insert(ExecutionStatus.COMPLETED));
        assertThrows(IllegalArgumentException.class, () -> insert(ExecutionStatus.RUNNING), "a running execution is inserted claimed");
        assertEquals(before, snapshot(id));
        assertEquals(1, db.row("select count(*) as n from trigger_executions").getLong("n"));
    }

    @Test
    void aReplayStartsAgainOnlyWhatMayBecomeRetrying() {
        Map<ExecutionStatus, Long> byStatus = new java.util.EnumMap<>(ExecutionStatus.class);
        for (ExecutionStatus status : ExecutionStatus.values()) {
            long id = insert(ExecutionStatus.PENDING);
            // put there directly, as no single operation leads to each status
            db.sql("update trigger_executions set status = $2, claimed_by = case when $2 = 'running' then 'someone' end where id = $1",
                    id, status.wireName());
            byStatus.put(status, id);
        }
        Set<Long> replayed = new HashSet<>(await(store.replay(List.copyOf(byStatus.values()))));
        for (Map.Entry<ExecutionStatus, Long> e : byStatus.entrySet()) {
            // running may become retrying too, but by its holder (a transient fault, a release), never by a replay
            boolean expected = e.getKey().canBecome(ExecutionStatus.RETRYING) && e.getKey() != ExecutionStatus.RUNNING;
            assertEquals(expected, replayed.contains(e.getValue()), e.getKey().wireName());
            assertStatus(e.getValue(), expected ? ExecutionStatus.RETRYING : e.getKey());
        }
        assertEquals(ExecutionStatus.REPLAYABLE, byStatus.keySet().stream().filter(s -> replayed.contains(byStatus.get(s)))
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(ExecutionStatus.class))));
    }

    @Test
    void executionsRemovedByHandLeaveNothingInTheQueue() {
        long pending = insert(ExecutionStatus.PENDING);
        insert(ExecutionStatus.SCHEDULED);
        db.sql("delete from trigger_executions where id = $1", pending);
        assertEquals(1L, db.row("select count(*) as n from execution_queue").getLong("n"));
        assertEquals(List.of(), db.queueMismatches());
        db.sql("truncate trigger_executions");
        assertEquals(0L, db.row("select count(*) as n from execution_queue").getLong("n"));
    }

    @Test
    void theSchemaNamesTheStatusesTheEnumNames() {
        assertEquals(names(EnumSet.allOf(ExecutionStatus.class)), quoted(db.row(
                "select pg_get_constraintdef(oid) as def from pg_constraint where conname = 'trigger_executions_status_check'").getString("def")));
        // the queue (V20) holds the due and the running executions, as its triggers decide by status
        Set<String> queued = names(EnumSet.of(ExecutionStatus.RUNNING));
        queued.addAll(names(ExecutionStatus.DUE));
        assertEquals(queued, quoted(db.row("select prosrc from pg_proc where proname = 'triggerfish_queue_executions'").getString("prosrc")));
        // the rate-limit buckets of V8 leave out the statuses that take no place in a window
        for (String function : List.of("triggerfish_count_new_executions", "triggerfish_recount_execution")) {
            assertEquals(names(ExecutionStatus.NOT_ADMITTED), quoted(db.row(
                    "select prosrc from pg_proc where proname = $1", function).getString("prosrc")), function);
        }
        assertEquals(names(ExecutionStatus.NOT_ADMITTED), quoted(db.row(
                "select pg_get_triggerdef(oid) as def from pg_trigger where tgname = 'trigger_executions_rate_recount'").getString("def")));
    }

    @Test
    void dueAndExpiredWorkIsFoundThroughItsPartialIndexesEvenInAGenericPlan() {
        // a long history, and a long queue the due work hides in: work scheduled for later, claims held for a while
        db.sql("insert into trigger_executions (trigger_id, trigger_version, event_id, status, completed_at)"
                + " select $1, 1, g, $2, now() from generate_series(1, 100000) g", TRIGGER + 1, ExecutionStatus.COMPLETED.wireName());
        db.sql("insert into trigger_executions (trigger_id, trigger_version, event_id, status, next_attempt_at)"
                + " select $1, 1, g, $2, now() + interval '1 hour' from generate_series(100001, 150000) g", TRIGGER + 1, ExecutionStatus.SCHEDULED.wireName());
        db.sql("insert into trigger_executions (trigger_id, trigger_version, event_id, status, claimed_by, lease_until)"
                + " select $1, 1, g, $2, 'replica-c', now() + interval '1 hour' from generate_series(150001, 200000) g", TRIGGER + 1,
                ExecutionStatus.RUNNING.wireName());
        insert(ExecutionStatus.PENDING);
        db.sql("analyze trigger_executions");
        db.sql("analyze execution_queue");
        String claim = db.genericPlan(ExecutionStore.CLAIM, "'replica-a', 100, 30.0, 'running', '{pending,scheduled,retrying}'");
        assertTrue(claim.contains("execution_queue_due") && claim.contains("execution_queue_leases"), claim);
        String due = db.genericPlan(ExecutionStore.COUNT_DUE, null);
        assertTrue(due.contains("execution_queue_due"), due);
    }

    static Set<String> names(Set<ExecutionStatus> statuses) {
        return new TreeSet<>(Arrays.asList(ExecutionStatus.wireNames(statuses)));
    }

    /** The words quoted in {@code sql}: 'pending'::text and the like. */
    static Set<String> quoted(String sql) {
        Set<String> out = new TreeSet<>();
        Matcher m = Pattern.compile("'([a-z_]+)'").matcher(sql);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    private static Set<String> allowedTransitions() {
        Set<String> allowed = new TreeSet<>();
        for (ExecutionStatus from : ExecutionStatus.values()) {
            from.next().forEach(to -> allowed.add(from.wireName() + " -> " + to.wireName()));
        }
        return allowed;
    }

    private NewExecution execution(ExecutionStatus status) {
        boolean decided = status == ExecutionStatus.SKIPPED || status == ExecutionStatus.RATE_LIMITED;
        return new NewExecution(TRIGGER, 1, nextEvent++, "contact", "1", status, OffsetDateTime.now().minusSeconds(1),
                decided ? "decided at dispatch" : null, status == ExecutionStatus.RATE_LIMITED ? "10 per minute" : null);
    }

    /** Inserts one execution in {@code status}, due a second ago; answers its id. */
    long insert(ExecutionStatus status) {
        NewExecution e = execution(status);
        assertEquals(1, await(store.insert(db.pool(), List.of(e))));
        return db.row("select id from trigger_executions where trigger_id = $1 and event_id = $2", e.triggerId(), e.eventId()).getLong("id");
    }

    Map<Long, ClaimedExecution> claim(String owner) {
        return await(store.claim(owner, 100, LEASE)).stream().collect(Collectors.toMap(ClaimedExecution::id, c -> c));
    }

    Set<Long> record(String owner, StepRecord step) {
        return await(store.record(db.pool(), owner, List.of(step), LEASE));
    }

    static StepRecord step(ClaimedExecution execution, int index, StepResult result, ExecutionStatus end) {
        return new StepRecord(execution, index, "webhook", execution.id() + ":" + index, result, OffsetDateTime.now(), 3, end,
                end == null || end == ExecutionStatus.COMPLETED || end == ExecutionStatus.SCHEDULED ? null : "step " + index + " failed: " + result.error(),
                end == ExecutionStatus.RETRYING || end == ExecutionStatus.SCHEDULED ? OffsetDateTime.now().minusSeconds(1) : null);
    }

    void expireLease(long id) {
        // time passing, without waiting for it: the lease ran out a second ago
        db.sql("update trigger_executions set lease_until = now() - interval '1 second' where id = $1", id);
    }

    /** The whole row, to compare before and after. */
    String snapshot(long id) {
        return db.row("select to_jsonb(t)::text as row from trigger_executions t where id = $1", id).getString("row");
    }

    void assertStatus(long id, ExecutionStatus expected) {
        assertEquals(expected.wireName(), db.row("select status from trigger_executions where id = $1", id).getString("status"),
                "execution " + id);
    }

    void assertHeld(long id, String owner) {
        Row row = db.row("select status, claimed_by, lease_until > now() as leased from trigger_executions where id = $1", id);
        assertEquals(ExecutionStatus.RUNNING.wireName(), row.getString("status"));
        assertEquals(owner, row.getString("claimed_by"));
        assertTrue(row.getBoolean("leased"));
    }

    void assertEnded(long id, ExecutionStatus expected) {
        Row row = db.row("select status, claimed_by, lease_until, completed_at from trigger_executions where id = $1", id);
        assertEquals(expected.wireName(), row.getString("status"));
        assertNull(row.getString("claimed_by"));
        assertNull(row.getOffsetDateTime("lease_until"));
        assertFalse(row.getOffsetDateTime("completed_at") == null, "completed_at is set");
    }
}
