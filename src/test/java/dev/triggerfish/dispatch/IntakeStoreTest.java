package dev.triggerfish.dispatch;

import dev.triggerfish.StoreDatabase;
import dev.triggerfish.event.NewEvent;
import dev.triggerfish.execution.ExecutionStatus;
import dev.triggerfish.execution.NewExecution;
import dev.triggerfish.support.HotPathPool;
import dev.triggerfish.template.Secrets;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.pgclient.PgException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static dev.triggerfish.StoreDatabase.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The intake's one statement against the real tables: events and their executions written by one
 * command of one transaction, running ones claimed, due ones due, ended ones ended; replays (a stored
 * client id, or the same one twice in a request) store nothing and fire nothing; and PostgreSQL's
 * one generic plan for it reads the events by index only. Requests that come while a statement runs
 * are stored together, each as if alone: its own ids, its own replays, its own failure.
 */
class IntakeStoreTest {
    static final Duration LEASE = Duration.ofSeconds(30);
    static final String OWNER = "replica-a";

    final StoreDatabase db = StoreDatabase.shared();
    final Secrets secrets = new Secrets(Map.of("token", "s3cr3t-value"));
    final IntakeStore store = new IntakeStore(HotPathPool.of(db.pool()), secrets, 2);
    /** One statement at a time: the requests that come while it runs are stored together. */
    final IntakeStore oneAtATime = new IntakeStore(HotPathPool.of(db.pool()), secrets, 1);

    @BeforeEach
    void clear() {
        db.clear();
    }

    private static NewEvent event(String entityId, String clientId) {
        return new NewEvent("created", "contact", entityId, null, Map.of("id", entityId), null, null, "api", 0, null, clientId);
    }

    /** An execution of trigger {@code trigger} for the event at {@code position} in the request. */
    private static NewExecution execution(long trigger, int position, ExecutionStatus status, String error) {
        return new NewExecution(trigger, 1, position, "contact", "c" + position, status, OffsetDateTime.now().plusMinutes(
                status == ExecutionStatus.SCHEDULED ? 60 : 0), error);
    }

    @Test
    void eventsAndTheirExecutionsAreOneCommandOfOneTransaction() {
        IntakeStore.Stored stored = await(store.store(List.of(event("1", null), event("2", null)),
                List.of(execution(7, 0, ExecutionStatus.PENDING, null)),
                List.of(execution(8, 0, ExecutionStatus.PENDING, null), execution(7, 1, ExecutionStatus.SCHEDULED, null),
                        execution(9, 1, ExecutionStatus.SKIPPED, "chain too deep, token s3cr3t-value")),
                OWNER, LEASE));
        assertTrue(stored.inserted()[0] && stored.inserted()[1]);
        assertEquals(4, Arrays.stream(stored.executionIds()).filter(java.util.Objects::nonNull).count());

        List<String> writers = db.sql("""
                        select xmin::text || '/' || cmin::text as writer from events where id = any($1)
                        union all
                        select xmin::text || '/' || cmin::text from trigger_executions where event_id = any($1)""",
                (Object) stored.eventIds()).stream().map(r -> r.getString("writer")).toList();
        assertEquals(6, writers.size());
        assertEquals(1, writers.stream().distinct().count(), "one transaction, one command: " + writers);

        Row running = db.row("select * from trigger_executions where id = $1", stored.executionIds()[0]);
        assertEquals("running", running.getString("status"));
        assertEquals(OWNER, running.getString("claimed_by"));
        assertEquals(1, running.getInteger("attempt"));
        assertNotNull(running.getOffsetDateTime("started_at"));
        assertTrue(running.getOffsetDateTime("lease_until").isAfter(OffsetDateTime.now().plusSeconds(20)));
        assertEquals(stored.eventIds()[0], running.getLong("event_id"));

        Row pending = db.row("select * from trigger_executions where id = $1", stored.executionIds()[1]);
        assertEquals("pending", pending.getString("status"));
        assertNull(pending.getString("claimed_by"));
        assertEquals(0, pending.getInteger("attempt"));
        Row scheduled = db.row("select * from trigger_executions where id = $1", stored.executionIds()[2]);
        assertEquals("scheduled", scheduled.getString("status"));
        assertEquals(stored.eventIds()[1], scheduled.getLong("event_id"));
        assertTrue(scheduled.getOffsetDateTime("next_attempt_at").isAfter(OffsetDateTime.now().plusMinutes(59)));
        Row skipped = db.row("select * from trigger_executions where id = $1", stored.executionIds()[3]);
        assertEquals("skipped", skipped.getString("status"));
        assertNotNull(skipped.getOffsetDateTime("completed_at"));
        assertFalse(skipped.getString("error").contains("s3cr3t-value"), skipped.getString("error"));

        assertEquals(List.of("dispatched", "dispatched"), db.sql("select status from events where id = any($1) order by id",
                (Object) stored.eventIds()).stream().map(r -> r.getString("status")).toList());
        assertEquals(2, db.sql("select 1 from events where processed_at is not null").size());
    }

    @Test
    void replaysStoreNothingAndFireNothing() {
        long known = await(store.store(List.of(event("k", "known")), List.of(), List.of(), OWNER, LEASE)).eventIds()[0];

        IntakeStore.Stored stored = await(store.store(List.of(event("k", "known"), event("t", "twice"), event("t", "twice"), event("p", null)),
                List.of(execution(7, 0, ExecutionStatus.PENDING, null), execution(7, 1, ExecutionStatus.PENDING, null),
                        execution(7, 2, ExecutionStatus.PENDING, null)),
                List.of(execution(7, 3, ExecutionStatus.PENDING, null)), OWNER, LEASE));
        assertEquals(known, stored.eventIds()[0], "a stored client id answers the stored event");
        assertEquals(stored.eventIds()[1], stored.eventIds()[2], "the same client id twice in a request is one event");
        assertArrayEquals(new boolean[] {false, true, false, true}, stored.inserted());
        assertNull(stored.executionIds()[0], "the replay of a stored event fires nothing");
        assertNotNull(stored.executionIds()[1]);
        assertNull(stored.executionIds()[2], "the second of two with one client id fires nothing");
        assertNotNull(stored.executionIds()[3]);
        assertEquals(3, db.sql("select 1 from events").size());
        assertEquals(List.of(stored.eventIds()[1], stored.eventIds()[3]), db.sql("select event_id from trigger_executions order by event_id")
                .stream().map(r -> r.getLong("event_id")).toList());
    }

    @Test
    void itsGenericPlanReadsTheEventsByIndex() {
        // the hot path's pool plans it once, its parameters unknown: the replay lookup must not scan a long history
        db.sql("insert into events (kind, entity_type, entity_id, source, status, processed_at, client_event_id)"
                + " select 'created', 'contact', g::text, 'api', 'dispatched', now(), 'old-' || g from generate_series(1, 200000) g");
        db.sql("analyze events");
        String plan = db.genericPlan(IntakeStore.STORE,
                "'{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', 'dispatched',"
                        + " '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', 'running', 'replica-a', 30.0, '{}'");
        assertFalse(plan.contains("Seq Scan on events"), plan);
        assertTrue(plan.contains("events_client_event_id_key"), plan);
    }

    /**
     * A transaction, left open, holding the client id {@code blocked}: a statement storing an event of that
     * id waits for it (and so keeps its place in flight) until {@link #release} rolls it back.
     */
    private SqlConnection holding(String blocked) {
        SqlConnection holder = await(db.pool().getConnection());
        await(holder.query("begin").execute());
        await(holder.query("insert into events (kind, entity_type, entity_id, source, status, client_event_id)"
                + " values ('created', 'contact', 'held', 'api', 'dispatched', '" + blocked + "')").execute());
        return holder;
    }

    private static void release(SqlConnection holder) {
        await(holder.query("rollback").execute());
        await(holder.close());
    }

    private void awaitStatementWaitingForLock() {
        org.awaitility.Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> db.row("select count(*) as n from pg_stat_activity where wait_event_type = 'Lock'")
                .getLong("n") > 0);
    }

    private static <T> T result(CompletableFuture<T> future) throws Exception {
        return future.get(10, TimeUnit.SECONDS);
    }

    @Test
    void requestsThatComeWhileAStatementRunsAreStoredTogetherEachAsIfAlone() throws Exception {
        CompletableFuture<IntakeStore.Stored> firstSent = null;
        CompletableFuture<IntakeStore.Stored> second = null;
        CompletableFuture<IntakeStore.Stored> third = null;
        SqlConnection holder = holding("first");
        try {
            firstSent = oneAtATime.store(List.of(event("a", "first")), List.of(execution(7, 0, ExecutionStatus.PENDING, null)), List.of(),
                    OWNER, LEASE).subscribeAsCompletionStage();
            awaitStatementWaitingForLock(); // the one statement in flight waits: the next two wait for it
            second = oneAtATime.store(List.of(event("b", "same"), event("c", null)),
                    List.of(execution(7, 1, ExecutionStatus.PENDING, null)), List.of(execution(8, 0, ExecutionStatus.PENDING, null)),
                    OWNER, LEASE).subscribeAsCompletionStage();
            third = oneAtATime.store(List.of(event("d", "same"), event("e", null)),
                    List.of(execution(7, 0, ExecutionStatus.PENDING, null), execution(7, 1, ExecutionStatus.PENDING, null)),
                    List.of(), OWNER, LEASE).subscribeAsCompletionStage();
            assertFalse(second.isDone() || third.isDone(), "they wait for the statement in flight");
        } finally {
            release(holder);
        }
        IntakeStore.Stored a = result(firstSent);
        IntakeStore.Stored b = result(second);
        IntakeStore.Stored d = result(third);

        assertArrayEquals(new boolean[] {true}, a.inserted());
        assertArrayEquals(new boolean[] {true, true}, b.inserted());
        assertArrayEquals(new boolean[] {false, true}, d.inserted(), "a client id stored by the request before is a replay");
        assertEquals(b.eventIds()[0], d.eventIds()[0], "the replay answers the event the request before stored");
        assertNull(d.executionIds()[0], "the replay fires nothing");
        assertEquals(2, b.executionIds().length);

        // each execution names its own request's event, in its own request's order (running first, then due)
        assertEquals(a.eventIds()[0], db.row("select event_id from trigger_executions where id = $1", a.executionIds()[0]).getLong("event_id"));
        Row bRunning = db.row("select * from trigger_executions where id = $1", b.executionIds()[0]);
        assertEquals(b.eventIds()[1], bRunning.getLong("event_id"));
        assertEquals("running", bRunning.getString("status"));
        Row bDue = db.row("select * from trigger_executions where id = $1", b.executionIds()[1]);
        assertEquals(b.eventIds()[0], bDue.getLong("event_id"));
        assertEquals("pending", bDue.getString("status"));
        assertEquals(d.eventIds()[1], db.row("select event_id from trigger_executions where id = $1", d.executionIds()[1]).getLong("event_id"));
        assertEquals(List.of("a", "b", "c", "e"), db.sql("select entity_id from events order by id").stream().map(r -> r.getString("entity_id")).toList());

        List<String> writers = db.sql("select distinct xmin::text as writer from events where id = any($1)",
                (Object) new Long[] {b.eventIds()[0], b.eventIds()[1], d.eventIds()[1]}).stream().map(r -> r.getString("writer")).toList();
        assertEquals(1, writers.size(), "the two that waited are one transaction: " + writers);
        assertFalse(writers.contains(db.row("select xmin::text as writer from events where id = $1", a.eventIds()[0]).getString("writer")));
    }

    @Test
    void aRequestThatPostgresqlRefusesFailsAloneTheOthersWaitingWithItAreStored() throws Exception {
        CompletableFuture<IntakeStore.Stored> firstSent = null;
        CompletableFuture<IntakeStore.Stored> good = null;
        CompletableFuture<IntakeStore.Stored> bad = null;
        SqlConnection holder = holding("first");
        try {
            firstSent = oneAtATime.store(List.of(event("a", "first")), List.of(), List.of(), OWNER, LEASE).subscribeAsCompletionStage();
            awaitStatementWaitingForLock();
            good = oneAtATime.store(List.of(event("good", null)), List.of(), List.of(execution(7, 0, ExecutionStatus.PENDING, null)),
                    OWNER, LEASE).subscribeAsCompletionStage();
            // PostgreSQL's text holds no NUL: this request's statement is refused
            bad = oneAtATime.store(List.of(event("nul\u0000", null)), List.of(), List.of(execution(7, 0, ExecutionStatus.PENDING, null)),
                    OWNER, LEASE).subscribeAsCompletionStage();
        } finally {
            release(holder);
        }
        result(firstSent);
        IntakeStore.Stored stored = result(good);
        assertTrue(stored.inserted()[0]);
        assertNotNull(stored.executionIds()[0]);
        CompletableFuture<IntakeStore.Stored> refusedAlone = bad;
        ExecutionException refused = assertThrows(ExecutionException.class, () -> result(refusedAlone));
        assertTrue(refused.getCause() instanceof PgException, String.valueOf(refused.getCause()));
        assertEquals(List.of("a", "good"), db.sql("select entity_id from events order by id").stream().map(r -> r.getString("entity_id")).toList());
        assertEquals(1, db.sql("select 1 from trigger_executions").size());
    }

    @Test
    void aRequestOfManyEventsIsStoredAtOnceAloneWhileTheStatementInFlightWaits() throws Exception {
        CompletableFuture<IntakeStore.Stored> firstSent = null;
        SqlConnection holder = holding("first");
        try {
            firstSent = oneAtATime.store(List.of(event("a", "first")), List.of(), List.of(), OWNER, LEASE).subscribeAsCompletionStage();
            awaitStatementWaitingForLock();
            List<NewEvent> many = java.util.stream.IntStream.range(0, IntakeStore.ALONE_FROM).mapToObj(i -> event("m" + i, null)).toList();
            // its commit serves many events already: it does not wait to be grouped
            IntakeStore.Stored stored = await(oneAtATime.store(many, List.of(), List.of(execution(7, 0, ExecutionStatus.PENDING, null)),
                    OWNER, LEASE));
            assertEquals(IntakeStore.ALONE_FROM, Arrays.stream(stored.eventIds()).filter(java.util.Objects::nonNull).count());
            assertNotNull(stored.executionIds()[0]);
            assertFalse(firstSent.isDone(), "the statement in flight still waits for the client id");
        } finally {
            release(holder);
        }
        assertTrue(result(firstSent).inserted()[0]);
        assertEquals(IntakeStore.ALONE_FROM + 1, db.sql("select 1 from events").size());
    }
}
