package dev.triggerfish.dispatch;

import dev.triggerfish.event.EventStatus;
import dev.triggerfish.event.EventStore;
import dev.triggerfish.event.NewEvent;
import dev.triggerfish.execution.ExecutionStatus;
import dev.triggerfish.execution.ExecutionStore;
import dev.triggerfish.execution.NewExecution;
import dev.triggerfish.support.HotPathPool;
import dev.triggerfish.template.Secrets;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
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

    private final Pool pool;
    private final Secrets secrets;

    public IntakeStore(HotPathPool pool, Secrets secrets) {
        this.pool = pool.pool();
        this.secrets = secrets;
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
     */
    public Uni<Stored> store(List<NewEvent> events, List<NewExecution> running, List<NewExecution> due, String owner, Duration lease) {
        List<NewExecution> all = new ArrayList<>(running);
        all.addAll(due);
        int n = all.size();
        Long[] eventOrds = new Long[n];
        Long[] triggers = new Long[n];
        Integer[] versions = new Integer[n];
        String[] types = new String[n];
        String[] ids = new String[n];
        String[] statuses = new String[n];
        OffsetDateTime[] dueAt = new OffsetDateTime[n];
        String[] errors = new String[n];
        for (int i = 0; i < n; i++) {
            NewExecution e = all.get(i);
            boolean runsNow = i < running.size();
            eventOrds[i] = e.eventId() + 1; // ordinality counts from 1
            triggers[i] = e.triggerId();
            versions[i] = e.triggerVersion();
            types[i] = e.entityType();
            ids[i] = e.entityId();
            statuses[i] = ExecutionStore.checkInitial(runsNow ? ExecutionStatus.RUNNING : e.status(), runsNow).wireName();
            dueAt[i] = runsNow ? null : e.nextAttemptAt();
            errors[i] = secrets.redact(e.error());
        }
        Object[] parameters = EventStore.withParameters(EventStore.unnestColumns(events), EventStatus.DISPATCHED.wireName(),
                eventOrds, triggers, versions, types, ids, statuses, dueAt, errors,
                ExecutionStatus.RUNNING.wireName(), owner, lease.toMillis() / 1000.0, ExecutionStatus.wireNames(ExecutionStatus.ENDED));
        return pool.preparedQuery(STORE)
                .execute(Tuple.from(parameters))
                .map(rows -> read(rows, events.size(), n));
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
