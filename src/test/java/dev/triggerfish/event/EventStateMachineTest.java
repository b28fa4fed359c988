package dev.triggerfish.event;

import dev.triggerfish.StoreDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.mutiny.sqlclient.Row;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
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
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The event state machine against the real table: every EventStore operation moves a row only as
 * {@link EventStatus} allows, and the transitions performed, read from a log the database keeps
 * ({@link StoreDatabase#statusChanges}), are exactly the ones the enum allows.
 */
class EventStateMachineTest {
    static final Duration LEASE = Duration.ofSeconds(30);
    static final String A = "replica-a";
    static final String B = "replica-b";

    final StoreDatabase db = StoreDatabase.shared();
    final EventStore store = new EventStore(db.pool(), new SimpleMeterRegistry());

    @BeforeEach
    void clear() {
        db.clear();
    }

    @Test
    void everyStoreOperationMovesAnEventOnlyAsTheStateMachineAllows() {
        // stored new, or dispatched already when its caller matches it in the same transaction (a manual run)
        List<Long> ids = append(5, false);
        long dispatched = ids.get(0);
        long unreadable = ids.get(1);
        long retried = ids.get(2);
        long exhausted = ids.get(3);
        long interrupted = ids.get(4);
        long manual = append(1, true).get(0);
        ids.forEach(id -> assertStatus(id, EventStatus.NEW));
        assertStatus(manual, EventStatus.DISPATCHED);

        // claimed: new becomes dispatching, held by A
        assertEquals(ids, claim(A, 3));
        ids.forEach(id -> assertHeld(id, A));

        // matched: dispatching becomes dispatched
        assertEquals(1, await(store.markDispatched(db.pool(), A, List.of(dispatched), java.util.Collections.singletonList(null))));
        assertStatus(dispatched, EventStatus.DISPATCHED);

        // cannot be read: dispatching becomes failed
        assertEquals(1, await(store.fail(A, List.of(unreadable), List.of("the stored event cannot be read"))));
        assertFailed(unreadable);

        // dispatching it failed: given back, it stays dispatching, unclaimed, until its backoff (a lease) runs out
        assertEquals(0, await(store.giveBack(A, List.of(retried), "database away", 3, LEASE)));
        Row back = db.row("select status, claimed_by, lease_until > now() as waiting, error from events where id = $1", retried);
        assertEquals(EventStatus.DISPATCHING.wireName(), back.getString("status"));
        assertNull(back.getString("claimed_by"));
        assertTrue(back.getBoolean("waiting"));
        assertEquals("database away", back.getString("error"));
        // ... then another replica claims it again: dispatching stays dispatching; out of attempts, it fails
        expireLease(retried);
        assertEquals(List.of(retried), claim(B, 3));
        assertHeld(retried, B);
        assertEquals(1, await(store.giveBack(B, List.of(retried), "database away", 2, LEASE)));
        assertFailed(retried);

        // its claim ran out once too often: the claim fails it instead of taking it again
        expireLease(exhausted);
        assertEquals(List.of(), claim(B, 1));
        assertFailed(exhausted);
        assertTrue(db.row("select error from events where id = $1", exhausted).getString("error").startsWith("not dispatched in 1 attempts"));

        // released at shutdown: dispatching becomes new
        assertEquals(1, await(store.release(A)));
        assertStatus(interrupted, EventStatus.NEW);
        assertNull(db.row("select claimed_by from events where id = $1", interrupted).getString("claimed_by"));

        // redispatched: failed becomes new, attempts from zero; anything else is left as it is
        assertTrue(await(store.redispatch(unreadable)));
        assertStatus(unreadable, EventStatus.NEW);
        assertEquals(0, db.row("select attempts from events where id = $1", unreadable).getInteger("attempts"));
        assertFalse(await(store.redispatch(dispatched)));
        assertFalse(await(store.redispatch(interrupted)));
        assertNull(await(store.redispatch(Long.MAX_VALUE)));
        assertStatus(dispatched, EventStatus.DISPATCHED);

        // what the code did is what the state machine allows, no more and no less
        List<List<String>> changes = db.statusChanges("events");
        Set<String> created = changes.stream().filter(c -> c.get(0) == null).map(c -> c.get(1)).collect(Collectors.toCollection(TreeSet::new));
        Set<String> performed = changes.stream().filter(c -> c.get(0) != null).map(c -> c.get(0) + " -> " + c.get(1))
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(EventStatus.INITIAL.stream().map(EventStatus::wireName).collect(Collectors.toCollection(TreeSet::new)), created);
        Set<String> allowed = new TreeSet<>();
        for (EventStatus from : EventStatus.values()) {
            from.next().forEach(to -> allowed.add(from.wireName() + " -> " + to.wireName()));
        }
        assertEquals(allowed, performed);
    }

    @Test
    void theSchemaNamesTheStatusesTheEnumNames() {
        assertEquals(names(EnumSet.allOf(EventStatus.class)), quoted(db.row(
                "select pg_get_constraintdef(oid) as def from pg_constraint where conname = 'events_status_check'").getString("def")));
        // the partial indexes the claim, the release and the backlog read, whose predicates EventStatus.sqlLiteral matches
        assertEquals(names(EnumSet.of(EventStatus.NEW)), quoted(indexDefinition("events_new")));
        assertEquals(names(EnumSet.of(EventStatus.DISPATCHING)), quoted(indexDefinition("events_leases")));
    }

    @Test
    void newAndExpiredEventsAreFoundThroughTheirPartialIndexesEvenInAGenericPlan() {
        // a long history the new events hide in: a bound status would make a generic plan scan it all
        db.sql("insert into events (kind, entity_type, entity_id, source, status, processed_at)"
                + " select 'updated', 'contact', g::text, 'api', $1, now() from generate_series(1, 200000) g", EventStatus.DISPATCHED.wireName());
        append(1, false);
        db.sql("analyze events");
        String plan = db.genericPlan(EventStore.CLAIM, "'replica-a', 100, 30.0, 5, 'dispatching', 'failed'");
        assertTrue(plan.contains("events_new") && plan.contains("events_leases"), plan);
    }

    /** Appends {@code n} events; answers their ids. */
    List<Long> append(int n, boolean dispatched) {
        List<NewEvent> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            events.add(NewEvent.change("updated", "contact", String.valueOf(i), Map.of("version", 1), Map.of("version", 2), "api", 0, null));
        }
        return await(store.appendAll(db.pool(), events, dispatched)).stream().map(EventStore.Appended::id).toList();
    }

    List<Long> claim(String owner, int maxAttempts) {
        return await(store.claim(owner, 100, LEASE, maxAttempts)).stream().map(StoredEvent::id).toList();
    }

    void expireLease(long id) {
        // time passing, without waiting for it: the lease ran out a second ago
        db.sql("update events set lease_until = now() - interval '1 second' where id = $1", id);
    }

    private String indexDefinition(String name) {
        return db.row("select indexdef from pg_indexes where indexname = $1", name).getString("indexdef");
    }

    static Set<String> names(Set<EventStatus> statuses) {
        return statuses.stream().map(EventStatus::wireName).collect(Collectors.toCollection(TreeSet::new));
    }

    static Set<String> quoted(String sql) {
        Set<String> out = new TreeSet<>();
        Matcher m = Pattern.compile("'([a-z_]+)'").matcher(sql);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    void assertStatus(long id, EventStatus expected) {
        assertEquals(expected.wireName(), db.row("select status from events where id = $1", id).getString("status"), "event " + id);
    }

    void assertHeld(long id, String owner) {
        Row row = db.row("select status, claimed_by, lease_until > now() as leased from events where id = $1", id);
        assertEquals(EventStatus.DISPATCHING.wireName(), row.getString("status"));
        assertEquals(owner, row.getString("claimed_by"));
        assertTrue(row.getBoolean("leased"));
    }

    void assertFailed(long id) {
        Row row = db.row("select status, claimed_by, processed_at, error from events where id = $1", id);
        assertEquals(EventStatus.FAILED.wireName(), row.getString("status"));
        assertNull(row.getString("claimed_by"));
        assertFalse(row.getOffsetDateTime("processed_at") == null, "processed_at is set");
        assertFalse(row.getString("error") == null, "the reason is kept");
    }
}
