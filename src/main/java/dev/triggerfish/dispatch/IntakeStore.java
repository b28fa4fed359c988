package dev.triggerfish.dispatch;

import dev.triggerfish.event.EventStatus;
import dev.triggerfish.event.EventStore;
import dev.triggerfish.event.IntakeConfig;
import dev.triggerfish.event.NewEvent;
import dev.triggerfish.execution.ExecutionStatus;
import dev.triggerfish.execution.ExecutionStore;
import dev.triggerfish.execution.NewExecution;
import dev.triggerfish.support.HotPathPool;
import dev.triggerfish.template.Secrets;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The fast path's intake in one statement, so in one round trip: a single statement in autocommit is
 * one transaction. It stores a request's events as dispatched, inserts the executions matched for
 * them (those given a runner slot as running, claimed by this replica; the others due, for any
 * replica, with a NOTIFY) and answers the ids. An event whose {@code client_event_id} is stored
 * already, or given earlier in the same request, is not stored again and fires nothing.
 *
 * <p>The events have no id before the statement, so the executions name their event by its position in
 * the request ({@link NewExecution#eventId()}); the statement joins them to the ids it draws. It runs
 * on the {@link HotPathPool}: planned once, generically, not on every call. As in {@link ExecutionStore},
 * the one other way into the executions table, every error text is redacted on its way in.
 */
@ApplicationScoped
public class IntakeStore {
    static final String STORE = "with " + EventStore.NUMBERED_INPUT + """
            stored as (
                insert into events (id, kind, entity_type, entity_id, old_state, new_state, changes, context, source,
                                    chain_depth, origin_trigger_id, client_event_id, status, processed_at)
                select new_id, kind, entity_type, entity_id, old_state::jsonb, new_state::jsonb, changes::jsonb,
                       context::jsonb, source, chain_depth, origin_trigger_id, client_event_id, $12, now()
                from numbered order by ord
                on conflict (client_event_id) do nothing
                returning id, client_event_id),
            fired as (
                select x.*, n.new_id as event_id
                from unnest($13::bigint[], $14::bigint[], $15::int[], $16::text[], $17::text[], $18::text[],
                            $19::timestamptz[], $20::text[])
                     with ordinality as x(event_ord, trigger_id, trigger_version, entity_type, entity_id, status, due, error, ord)
                join numbered n on n.ord = x.event_ord
                join stored s on s.id = n.new_id),
            created as (
                insert into trigger_executions (trigger_id, trigger_version, event_id, entity_type, entity_id, status, attempt,
                                                claimed_by, lease_until, started_at, next_attempt_at, error, completed_at)
                select trigger_id, trigger_version, event_id, entity_type, entity_id, status,
                       case when status = $21 then 1 else 0 end,
                       case when status = $21 then $22 end,
                       case when status = $21 then now() + make_interval(secs => $23) end,
                       case when status = $21 then now() end,
                       coalesce(due, now()), error, case when status = any($24::text[]) then now() end
                from fired order by ord
                on conflict (trigger_id, event_id) do nothing
                returning id, trigger_id, event_id, status),
            notified as (
                -- what this replica does not run now waits for any replica: wake them, once
                select case when exists (select 1 from created where status <> $21) then pg_notify('%s', '') end as done)
            select n.ord as event_ord, coalesce(s.id, d.id, e.id) as event_id, s.id is not null as inserted,
                   null::bigint as execution_ord, null::bigint as execution_id
            from numbered n
            left join stored s on s.id = n.new_id
            left join stored d on d.client_event_id = n.client_event_id
            left join events e on e.client_event_id = n.client_event_id
            union all
            select null, null, null, f.ord, c.id
            from created c
            join fired f on f.trigger_id = c.trigger_id and f.event_id = c.event_id
            cross join notified""".formatted(ExecutionStore.CHANNEL);

    /** The most events one statement stores for several requests (a request is never split: it may hold more alone). */
    static final int MAX_EVENTS_TOGETHER = 1000;
    /**
     * A request of this many events is sent at once, alone, outside the statements counted in flight: its
     * commit already serves many events, and grouping such requests took batch throughput down (fewer
     * statements in flight than the hot path has connections).
     */
    static final int ALONE_FROM = 10;

    private final Pool pool;
    private final Secrets secrets;
    /** The statements that may be in flight at once; requests arriving meanwhile wait, and are stored together. */
    private final int statements;
    private final Object lock = new Object();
    private final ArrayDeque<Request> waiting = new ArrayDeque<>();
    private int inFlight;

    @Inject
    public IntakeStore(HotPathPool pool, Secrets secrets, IntakeConfig config) {
        this(pool, secrets, config.statements());
    }

    public IntakeStore(HotPathPool pool, Secrets secrets, int statements) {
        if (statements < 1) {
            throw new IllegalArgumentException("triggerfish.intake.statements is at least 1, not " + statements);
        }
        this.pool = pool.pool();
        this.secrets = secrets;
        this.statements = statements;
    }

    /**
     * What the statement stored, by position: each event's id and whether this call stored it (the id
     * is null when a concurrent request stored the same client id first: the caller looks it up), and
     * the id of each execution given (null when its event was not stored by this call).
     */
    public record Stored(Long[] eventIds, boolean[] inserted, Long[] executionIds) {
    }

    /**
     * Stores {@code events}, the {@code running} executions claimed by {@code owner} for {@code lease} and
     * the {@code due} ones; an execution's {@code eventId} is its event's position in {@code events}.
     * {@link Stored#executionIds()} lists {@code running} first, then {@code due}.
     *
     * <p>Group commit: while {@code triggerfish.intake.statements} statements are in flight, requests
     * wait, and the next statement stores all of them (up to {@link #MAX_EVENTS_TOGETHER} events), so that
     * under load a commit (and its WAL flush) serves many requests instead of one; an idle intake sends at
     * once. A request of {@link #ALONE_FROM} events or more neither waits nor is grouped. The result is the
     * same as storing them one after the other, in the order they came. Should
     * PostgreSQL refuse a statement of several requests, each is stored again alone: one request's failure
     * is its own. Completes on the caller's Vert.x context.
     */
    public Uni<Stored> store(List<NewEvent> events, List<NewExecution> running, List<NewExecution> due, String owner, Duration lease) {
        return Uni.createFrom().emitter(emitter -> {
            Request request = new Request(events, running, due, owner, lease, emitter, Vertx.currentContext());
            if (events.size() >= ALONE_FROM) {
                storeAlone(request);
                return;
            }
            List<Request> together;
            synchronized (lock) {
                waiting.add(request);
                together = inFlight < statements ? next() : List.of();
            }
            send(together);
        });
    }

    /** A request waiting for its statement. */
    private record Request(List<NewEvent> events, List<NewExecution> running, List<NewExecution> due, String owner, Duration lease,
                           UniEmitter<? super Stored> emitter, Context context) {
        int executions() {
            return running.size() + due.size();
        }

        void complete(Stored stored) {
            onContext(() -> emitter.complete(stored));
        }

        void fail(Throwable failure) {
            onContext(() -> emitter.fail(failure));
        }

        private void onContext(Runnable task) {
            if (context == null || context == Vertx.currentContext()) {
                task.run();
            } else {
                context.runOnContext(ignored -> task.run());
            }
        }
    }

    /**
     * The waiting requests the next statement stores (holding the lock): from the first, those of the same
     * owner and lease, up to {@link #MAX_EVENTS_TOGETHER} events; counted in flight. Empty when none waits.
     */
    private List<Request> next() {
        Request first = waiting.poll();
        if (first == null) {
            return List.of();
        }
        inFlight++;
        List<Request> together = new ArrayList<>();
        together.add(first);
        int events = first.events().size();
        for (Request r = waiting.peek(); r != null && events + r.events().size() <= MAX_EVENTS_TOGETHER
                && r.owner().equals(first.owner()) && r.lease().equals(first.lease()); r = waiting.peek()) {
            together.add(waiting.poll());
            events += r.events().size();
        }
        return together;
    }

    /**
     * Stores {@code together} in one statement, then sends what waits meanwhile. Should the statement be
     * refused (PostgreSQL's error, so nothing of it committed) or not even be made, a request among several
     * is stored again alone, to its own outcome; any other failure (the connection lost: whether it
     * committed is unknown) is every request's, as it would have been alone.
     */
    private void send(List<Request> together) {
        if (together.isEmpty()) {
            return;
        }
        Uni<Stored> sent;
        boolean made = true;
        try {
            sent = statement(together);
        } catch (RuntimeException e) {
            sent = Uni.createFrom().failure(e);
            made = false;
        }
        boolean refusedSafely = !made;
        sent.subscribe().with(stored -> {
            finished();
            split(together, stored);
        }, failure -> {
            finished();
            if (together.size() > 1 && (refusedSafely || failure instanceof PgException)) {
                together.forEach(this::storeAlone);
            } else {
                together.forEach(r -> r.fail(failure));
            }
        });
    }

    /** A statement ended: the next one stores what waits. */
    private void finished() {
        List<Request> together;
        synchronized (lock) {
            inFlight--;
            together = next();
        }
        send(together);
    }

    /** Stores {@code request} in a statement of its own, outside the statements counted in flight, to its own outcome. */
    private void storeAlone(Request request) {
        Uni.createFrom().deferred(() -> statement(List.of(request))).subscribe().with(request::complete, request::fail);
    }

    /** Each request's part of what the statement of {@code together} stored. */
    private static void split(List<Request> together, Stored stored) {
        int eventsBefore = 0;
        int executionsBefore = 0;
        for (Request r : together) {
            int events = r.events().size();
            int executions = r.executions();
            Stored own = new Stored(Arrays.copyOfRange(stored.eventIds(), eventsBefore, eventsBefore + events),
                    Arrays.copyOfRange(stored.inserted(), eventsBefore, eventsBefore + events),
                    Arrays.copyOfRange(stored.executionIds(), executionsBefore, executionsBefore + executions));
            try {
                r.complete(own); // on this thread when it is the request's context: what the request does next runs now
            } catch (RuntimeException e) {
                Infrastructure.handleDroppedException(e); // one request's own failure; the others still get their answers
            }
            eventsBefore += events;
            executionsBefore += executions;
        }
    }

    /** The one statement for {@code together} (sent when subscribed): their events in order, each request's executions naming its own. */
    private Uni<Stored> statement(List<Request> together) {
        List<NewEvent> events = new ArrayList<>();
        int n = together.stream().mapToInt(Request::executions).sum();
        Long[] eventOrds = new Long[n];
        Long[] triggers = new Long[n];
        Integer[] versions = new Integer[n];
        String[] types = new String[n];
        String[] ids = new String[n];
        String[] statuses = new String[n];
        OffsetDateTime[] dueAt = new OffsetDateTime[n];
        String[] errors = new String[n];
        int i = 0;
        for (Request r : together) {
            int offset = events.size();
            events.addAll(r.events());
            List<NewExecution> all = new ArrayList<>(r.running());
            all.addAll(r.due());
            for (int k = 0; k < all.size(); k++, i++) {
                NewExecution e = all.get(k);
                boolean runsNow = k < r.running().size();
                eventOrds[i] = offset + e.eventId() + 1; // ordinality counts from 1
                triggers[i] = e.triggerId();
                versions[i] = e.triggerVersion();
                types[i] = e.entityType();
                ids[i] = e.entityId();
                statuses[i] = ExecutionStore.checkInitial(runsNow ? ExecutionStatus.RUNNING : e.status(), runsNow).wireName();
                dueAt[i] = runsNow ? null : e.nextAttemptAt();
                errors[i] = secrets.redact(e.error());
            }
        }
        Request first = together.get(0);
        Object[] parameters = EventStore.withParameters(EventStore.unnestColumns(events), EventStatus.DISPATCHED.wireName(),
                eventOrds, triggers, versions, types, ids, statuses, dueAt, errors,
                ExecutionStatus.RUNNING.wireName(), first.owner(), first.lease().toMillis() / 1000.0,
                ExecutionStatus.wireNames(ExecutionStatus.ENDED));
        int eventCount = events.size();
        return pool.preparedQuery(STORE)
                .execute(Tuple.from(parameters))
                .map(rows -> read(rows, eventCount, n));
    }

    private static Stored read(Iterable<Row> rows, int events, int executions) {
        Long[] eventIds = new Long[events];
        boolean[] inserted = new boolean[events];
        Long[] executionIds = new Long[executions];
        for (Row row : rows) {
            Long executionOrd = row.getLong("execution_ord");
            if (executionOrd != null) {
                executionIds[executionOrd.intValue() - 1] = row.getLong("execution_id");
            } else {
                int at = row.getLong("event_ord").intValue() - 1;
                eventIds[at] = row.getLong("event_id");
                inserted[at] = row.getBoolean("inserted");
            }
        }
        return new Stored(eventIds, inserted, executionIds);
    }
}
