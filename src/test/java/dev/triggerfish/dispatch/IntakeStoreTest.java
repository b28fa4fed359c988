package dev.triggerfish.dispatch;

import dev.triggerfish.StoreDatabase;
import dev.triggerfish.event.NewEvent;
import dev.triggerfish.execution.ExecutionStatus;
import dev.triggerfish.execution.NewExecution;
import dev.triggerfish.support.HotPathPool;
import dev.triggerfish.template.Secrets;
import io.vertx.mutiny.sqlclient.Row;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.triggerfish.StoreDatabase.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The intake's one statement against the real tables: events and their executions written by one
 * command of one transaction, running ones claimed, due ones due, ended ones ended; replays (a stored
 * client id, or the same one twice in a request) store nothing and fire nothing; and PostgreSQL's
 * one generic plan for it reads the events by index only.
 */
class IntakeStoreTest {
    static final Duration LEASE = Duration.ofSeconds(30);
    static final String OWNER = "replica-a";

    final StoreDatabase db = StoreDatabase.shared();
    final IntakeStore store = new IntakeStore(HotPathPool.of(db.pool()), new Secrets(Map.of("token", "s3cr3t-value")));

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
}
