package dev.triggerfish.event;

import dev.triggerfish.support.JsonText;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The events table: the durable inbox of every source. Appends are one multi-row statement inside
 * the caller's transaction, with a NOTIFY (ids only) that PostgreSQL delivers at commit.
 */
@ApplicationScoped
public class EventStore {
    /**
     * The events of a request as rows ({@code $1} to {@code $11}, the arrays of {@link #unnestColumns}),
     * numbered by their place in it ({@code ord}) and each given the id it will be stored under
     * ({@code new_id}): the first CTEs of every statement that stores events.
     */
    public static final String NUMBERED_INPUT = """
            input as (
                select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                                     $8::text[], $9::int[], $10::bigint[], $11::text[])
                    with ordinality as t(kind, entity_type, entity_id, old_state, new_state, changes, context,
                                         source, chain_depth, origin_trigger_id, client_event_id, ord)),
            numbered as (
                select input.*, nextval(pg_get_serial_sequence('events', 'id')) as new_id from input),
            """;

    public static final String CHANNEL = "triggerfish_events";
    /** The columns {@link #read} maps, in select-list order; the JSON ones are read as text. */
    private static final List<String> READ_COLUMNS = List.of("id", "kind", "entity_type", "entity_id", "old_state", "new_state",
            "context", "source", "chain_depth", "origin_trigger_id", "created_at");
    private static final Set<String> JSON_COLUMNS = Set.of("old_state", "new_state", "context");
    private static final String COLUMNS = columns("");

    /** The claim: statuses of the selections as constants (partial indexes), those written bound ($5, $6). */
    static final String CLAIM = ("""
            with fresh as (
                select id from events where status = %1$s order by id for update skip locked limit $2),
            expired as (
                select id from events where status = %2$s and lease_until < now() and attempts < $4
                for update skip locked limit $2),
            exhausted as (
                update events set status = $6, claimed_by = null, lease_until = null, processed_at = now(),
                       error = 'not dispatched in ' || attempts || ' attempts (each claim ran out: the replica holding it'
                               || ' stopped, or dispatching it failed' || coalesce(': ' || error, '') || ')'
                where id in (select id from events where status = %2$s and lease_until < now() and attempts >= $4
                             for update skip locked limit $2)
                returning id),
            claimed as (
                update events set status = $5, claimed_by = $1,
                       lease_until = now() + make_interval(secs => $3), attempts = attempts + 1
                where id in (select id from fresh union all select id from expired)
                returning\s""" + COLUMNS + """
            )
            select c.*, (select count(*) from exhausted) as exhausted
            from (select 1) as always_one_row left join claimed c on true""")
            .formatted(EventStatus.NEW.sqlLiteral(), EventStatus.DISPATCHING.sqlLiteral());

    private final Pool pool;
    private final MeterRegistry meters;

    public EventStore(Pool pool, MeterRegistry meters) {
        this.pool = pool;
        this.meters = meters;
    }

    /** Counts events this replica ended {@code failed}, by why: unreadable, exhausted (attempts), dispatch_error. */
    private void countFailed(String reason, long n) {
        if (n > 0) {
            Counter.builder("triggerfish.events.failed").tag("reason", reason)
                    .description("events this replica ended failed (GET /api/events/{id} says why; POST .../redispatch starts one again)")
                    .register(meters).increment(n);
        }
    }

    /**
     * Stores {@code events} in the transaction of {@code tx} and returns their ids, in order. An event
     * whose {@code client_event_id} is already stored is not stored again: its existing id is returned.
     */
    public Uni<List<Long>> append(SqlClient tx, List<NewEvent> events) {
        return appendAll(tx, events).map(appended -> appended.stream().map(Appended::id).toList());
    }

    /** One stored event: its id, and whether this call stored it (false: its client id was already stored). */
    public record Appended(long id, boolean inserted) {
    }

    /** As {@link #append}, saying for each event whether it is new. */
    public Uni<List<Appended>> appendAll(SqlClient tx, List<NewEvent> events) {
        return appendAll(tx, events, false);
    }

    /**
     * As {@link #append}; with {@code dispatched}, the events are stored as already dispatched and no
     * NOTIFY is sent: the caller matches them in this same transaction.
     */
    public Uni<List<Appended>> appendAll(SqlClient tx, List<NewEvent> events, boolean dispatched) {
        if (events.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        int n = events.size();
        Object[] columns = unnestColumns(events);
        String[] clientIds = (String[]) columns[10];
        return tx.preparedQuery("with " + NUMBERED_INPUT + """
                        inserted as (
                            insert into events (id, kind, entity_type, entity_id, old_state, new_state, changes, context, source,
                                                chain_depth, origin_trigger_id, client_event_id, status, processed_at)
                            select new_id, kind, entity_type, entity_id, old_state::jsonb, new_state::jsonb, changes::jsonb,
                                   context::jsonb, source, chain_depth, origin_trigger_id, client_event_id,
                                   $13, case when $12 then now() end
                            from numbered order by ord
                            on conflict (client_event_id) do nothing
                            returning id),
                        notified as (select case when $12 then null else pg_notify('%s', '') end as done)
                        select n.client_event_id, i.id as inserted_id, e.id as existing_id
                        from numbered n
                        left join inserted i on i.id = n.new_id
                        left join events e on e.client_event_id = n.client_event_id
                        cross join notified
                        order by n.ord""".formatted(CHANNEL))
                .execute(Tuple.from(withParameters(columns, dispatched, (dispatched ? EventStatus.DISPATCHED : EventStatus.NEW).wireName())))
                .flatMap(rows -> {
                    List<Long> out = new ArrayList<>(n);
                    List<Boolean> inserted = new ArrayList<>(n);
                    List<String> unresolved = new ArrayList<>();
                    for (Row row : rows) {
                        Long id = row.getLong("inserted_id") != null ? row.getLong("inserted_id") : row.getLong("existing_id");
                        out.add(id);
                        inserted.add(row.getLong("inserted_id") != null);
                        if (id == null) {
                            unresolved.add(row.getString("client_event_id"));
                        }
                    }
                    Uni<List<Long>> resolvedIds = unresolved.isEmpty() ? Uni.createFrom().item(out) : resolve(tx, clientIds, out, unresolved);
                    return resolvedIds.map(resolved -> {
                        List<Appended> appended = new ArrayList<>(n);
                        for (int i = 0; i < n; i++) {
                            appended.add(new Appended(resolved.get(i), inserted.get(i)));
                        }
                        return appended;
                    });
                });
    }

    /**
     * The events as the column arrays that the append's {@code unnest} takes as $1 to $11: kind, entity
     * type, entity id, old state, new state, changes, context (the JSON ones as text), source, chain depth,
     * origin trigger, client event id. The intake's one statement (dispatch.IntakeStore) takes the same.
     */
    public static Object[] unnestColumns(List<NewEvent> events) {
        int n = events.size();
        String[] kinds = new String[n];
        String[] types = new String[n];
        String[] ids = new String[n];
        String[] olds = new String[n];
        String[] news = new String[n];
        String[] changes = new String[n];
        String[] contexts = new String[n];
        String[] sources = new String[n];
        Integer[] depths = new Integer[n];
        Long[] origins = new Long[n];
        String[] clientIds = new String[n];
        for (int i = 0; i < n; i++) {
            NewEvent e = events.get(i);
            kinds[i] = e.kind();
            types[i] = e.entityType();
            ids[i] = e.entityId();
            olds[i] = JsonText.write(e.oldState());
            news[i] = JsonText.write(e.newState());
            changes[i] = JsonText.write(e.changes());
            contexts[i] = JsonText.write(e.context());
            sources[i] = e.source();
            depths[i] = e.chainDepth();
            origins[i] = e.originTriggerId();
            clientIds[i] = e.clientEventId();
        }
        return new Object[] {kinds, types, ids, olds, news, changes, contexts, sources, depths, origins, clientIds};
    }

    /** {@code columns} followed by {@code more}: the parameters of a statement that starts with the append's $1 to $11. */
    public static Object[] withParameters(Object[] columns, Object... more) {
        Object[] out = java.util.Arrays.copyOf(columns, columns.length + more.length);
        System.arraycopy(more, 0, out, columns.length, more.length);
        return out;
    }

    /** Ids of events sent twice in one batch, or stored by a concurrent request with the same client id. */
    private static Uni<List<Long>> resolve(SqlClient tx, String[] clientIds, List<Long> ids, List<String> unresolved) {
        return idsByClientId(tx, unresolved)
                .map(byClientId -> {
                    List<Long> out = new ArrayList<>(ids);
                    for (int i = 0; i < out.size(); i++) {
                        if (out.get(i) == null) {
                            out.set(i, byClientId.get(clientIds[i]));
                        }
                    }
                    return out;
                });
    }

    /** The ids of the stored events with these {@code client_event_id}s. */
    public static Uni<java.util.Map<String, Long>> idsByClientId(SqlClient client, List<String> clientIds) {
        return client.preparedQuery("select id, client_event_id from events where client_event_id = any($1)")
                .execute(Tuple.of(clientIds.toArray(String[]::new)))
                .map(rows -> {
                    java.util.Map<String, Long> byClientId = new java.util.HashMap<>();
                    rows.forEach(row -> byClientId.put(row.getString("client_event_id"), row.getLong("id")));
                    return byClientId;
                });
    }

    /**
     * Claims up to {@code limit} new events (or events whose claim expired) for {@code owner}, oldest
     * first; another replica's claim is skipped, never waited for. An expired event that was claimed
     * {@code maxAttempts} times already is not claimed again but {@code failed}, with the reason; a row
     * that cannot be read as an event is {@code failed} at once (it never could be dispatched).
     *
     * <p>New or dispatching becomes dispatching; dispatching out of attempts becomes failed. The selections
     * name their statuses as constants, to match the partial indexes they read ({@code events_new},
     * {@code events_leases}; see {@link EventStatus#sqlLiteral}).
     */
    public Uni<List<StoredEvent>> claim(String owner, int limit, Duration lease, int maxAttempts) {
        return pool.preparedQuery(CLAIM)
                .execute(Tuple.of(owner, limit, (double) lease.toMillis() / 1000.0, maxAttempts,
                        EventStatus.DISPATCHING.wireName(), EventStatus.FAILED.wireName()))
                .flatMap(rows -> {
                    List<StoredEvent> events = new ArrayList<>();
                    List<Long> unreadable = new ArrayList<>();
                    List<String> reasons = new ArrayList<>();
                    if (rows.size() > 0) {
                        countFailed("exhausted", rows.iterator().next().getLong("exhausted"));
                    }
                    for (Row row : rows) {
                        if (row.getLong("id") == null) {
                            continue; // nothing claimed: the one row that carries the exhausted count
                        }
                        try {
                            events.add(read(row));
                        } catch (RuntimeException e) {
                            unreadable.add(row.getLong("id"));
                            reasons.add("the stored event cannot be read: " + e.getMessage());
                        }
                    }
                    events.sort((a, b) -> Long.compare(a.id(), b.id()));
                    return unreadable.isEmpty() ? Uni.createFrom().item(events)
                            : fail(owner, unreadable, reasons).invoke(n -> countFailed("unreadable", n)).replaceWith(events);
                });
    }

    /** Ends claimed events {@code failed} with their reasons (only while {@code owner} still holds them). */
    public Uni<Integer> fail(String owner, List<Long> ids, List<String> reasons) {
        return pool.preparedQuery("""
                        update events e set status = $4, claimed_by = null, lease_until = null, processed_at = now(), error = d.error
                        from unnest($2::bigint[], $3::text[]) as d(id, error)
                        where e.id = d.id and e.claimed_by = $1 and e.status = $5""")
                .execute(Tuple.of(owner, ids.toArray(Long[]::new), reasons.toArray(String[]::new), EventStatus.FAILED.wireName(),
                        EventStatus.DISPATCHING.wireName()))
                .map(rows -> rows.rowCount());
    }

    /**
     * Gives back claimed events whose dispatch failed: another claim takes them after a backoff (its
     * expired lease, 2^attempts seconds, at most the lease), or, once they were claimed
     * {@code maxAttempts} times, they are {@code failed} with the reason (dispatching stays dispatching, or
     * becomes failed). Answers how many failed.
     */
    public Uni<Integer> giveBack(String owner, List<Long> ids, String reason, int maxAttempts, Duration lease) {
        return pool.preparedQuery("""
                        update events set claimed_by = null, error = $3,
                               status = case when attempts >= $4 then $6 else status end,
                               processed_at = case when attempts >= $4 then now() end,
                               lease_until = case when attempts >= $4 then null
                                                  else now() + make_interval(secs => least($5, power(2, attempts))) end
                        where id = any($2) and claimed_by = $1 and status = $7
                        returning status""")
                .execute(Tuple.from(new Object[] {owner, ids.toArray(Long[]::new), reason, maxAttempts, (double) lease.toMillis() / 1000.0,
                        EventStatus.FAILED.wireName(), EventStatus.DISPATCHING.wireName()}))
                .map(rows -> {
                    int failed = 0;
                    for (Row row : rows) {
                        failed += EventStatus.fromWireName(row.getString("status")) == EventStatus.FAILED ? 1 : 0;
                    }
                    countFailed("dispatch_error", failed);
                    return failed;
                });
    }

    /**
     * Makes a failed event new again (attempts from zero), to be dispatched by any replica: true, or
     * false when the event is not failed; null when there is no such event.
     */
    public Uni<Boolean> redispatch(long id) {
        return pool.preparedQuery("""
                        with again as (
                            update events set status = $2, attempts = 0, error = null, claimed_by = null, lease_until = null,
                                              processed_at = null
                            where id = $1 and status = $3 returning id),
                        notified as (select pg_notify('%s', '') from again)
                        select (select count(*) from again) > 0 as again, (select count(*) from notified) as notified,
                               exists (select 1 from events where id = $1) as found""".formatted(CHANNEL))
                .execute(Tuple.of(id, EventStatus.NEW.wireName(), EventStatus.FAILED.wireName()))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    return row.getBoolean("found") ? row.getBoolean("again") : null;
                });
    }

    /** Marks claimed events dispatched (only while {@code owner} still holds them). */
    public Uni<Integer> markDispatched(SqlClient tx, String owner, List<Long> ids, List<String> errors) {
        return tx.preparedQuery("""
                        update events e set status = $4, processed_at = now(), lease_until = null, error = d.error
                        from unnest($2::bigint[], $3::text[]) as d(id, error)
                        where e.id = d.id and e.claimed_by = $1 and e.status = $5""")
                .execute(Tuple.of(owner, ids.toArray(Long[]::new), errors.toArray(String[]::new), EventStatus.DISPATCHED.wireName(),
                        EventStatus.DISPATCHING.wireName()))
                .map(rows -> rows.rowCount());
    }

    /**
     * Gives back the events {@code owner} claimed but did not dispatch (at shutdown): dispatching becomes
     * new. They are found through their partial index ({@code events_leases}), so that status is a constant.
     */
    public Uni<Integer> release(String owner) {
        return pool.preparedQuery("update events set status = $2, claimed_by = null, lease_until = null"
                        + " where claimed_by = $1 and status = " + EventStatus.DISPATCHING.sqlLiteral())
                .execute(Tuple.of(owner, EventStatus.NEW.wireName()))
                .map(rows -> rows.rowCount());
    }

    /** An event with where it stands: {@code status} (new, dispatching, dispatched, failed), {@code attempts}, {@code error}. */
    public Uni<EventState> findWithState(long id) {
        return pool.preparedQuery("select " + COLUMNS + ", status, attempts, error, processed_at from events where id = $1")
                .execute(Tuple.of(id))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return null;
                    }
                    Row row = rows.iterator().next();
                    return new EventState(row.getLong("id"), row.getString("kind"), row.getString("entity_type"), row.getString("entity_id"),
                            JsonText.read(row.getString("old_state")), JsonText.read(row.getString("new_state")),
                            JsonText.read(row.getString("context")), row.getString("source"), row.getInteger("chain_depth"),
                            row.getLong("origin_trigger_id"), row.getOffsetDateTime("created_at"), row.getString("status"),
                            row.getInteger("attempts"), row.getString("error"), row.getOffsetDateTime("processed_at"));
                });
    }

    public Uni<StoredEvent> find(long id) {
        return pool.preparedQuery("select " + COLUMNS + " from events where id = $1")
                .execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? null : read(rows.iterator().next()));
    }

    /**
     * The select list of the columns {@link #read} maps, each qualified by {@code alias} (when not empty) for a
     * statement that joins events: the one place that lists them.
     */
    public static String columns(String alias) {
        String prefix = alias.isEmpty() ? "" : alias + ".";
        return READ_COLUMNS.stream()
                .map(c -> JSON_COLUMNS.contains(c) ? prefix + c + "::text as " + c : prefix + c)
                .collect(Collectors.joining(", "));
    }

    /** An event from a row holding the columns of {@link #columns} (by name). */
    public static StoredEvent read(Row row) {
        return new StoredEvent(row.getLong("id"), row.getString("kind"), row.getString("entity_type"), row.getString("entity_id"),
                JsonText.readObject(row.getString("old_state")), JsonText.readObject(row.getString("new_state")),
                JsonText.readObject(row.getString("context")), row.getString("source"), row.getInteger("chain_depth"),
                row.getLong("origin_trigger_id"), row.getOffsetDateTime("created_at"));
    }
}
