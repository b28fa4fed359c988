package dev.triggerfish.execution;

import dev.triggerfish.action.StepResult;
import dev.triggerfish.event.JsonText;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The executions and their steps, in SQL. Every state change is conditional on the claim it holds
 * ({@code claimed_by} and status), so a runner that lost its claim changes nothing.
 */
@ApplicationScoped
public class ExecutionStore {
    public static final String CHANNEL = "triggerfish_executions";
    private static final String COLUMNS = "id, trigger_id, trigger_version, event_id, entity_type, entity_id, status, attempt,"
            + " next_attempt_at, current_step, rate_limited_window, error, created_at, started_at, completed_at";

    private final Pool pool;

    public ExecutionStore(Pool pool) {
        this.pool = pool;
    }

    /** Inserts executions in {@code tx}: at most one per (trigger, event), whatever is sent twice. Returns how many are new. */
    public Uni<Integer> insert(SqlClient tx, List<NewExecution> executions) {
        if (executions.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        int n = executions.size();
        Long[] triggers = new Long[n];
        Integer[] versions = new Integer[n];
        Long[] events = new Long[n];
        String[] types = new String[n];
        String[] ids = new String[n];
        String[] statuses = new String[n];
        OffsetDateTime[] due = new OffsetDateTime[n];
        String[] errors = new String[n];
        for (int i = 0; i < n; i++) {
            NewExecution e = executions.get(i);
            triggers[i] = e.triggerId();
            versions[i] = e.triggerVersion();
            events[i] = e.eventId();
            types[i] = e.entityType();
            ids[i] = e.entityId();
            statuses[i] = e.status().wireName();
            due[i] = e.nextAttemptAt();
            errors[i] = e.error();
        }
        return tx.preparedQuery("""
                        with inserted as (
                            insert into trigger_executions (trigger_id, trigger_version, event_id, entity_type, entity_id, status,
                                                            next_attempt_at, error, completed_at)
                            select t, v, e, ty, i, s, d, er, case when s in ('skipped', 'cancelled') then now() end
                            from unnest($1::bigint[], $2::int[], $3::bigint[], $4::text[], $5::text[], $6::text[],
                                        $7::timestamptz[], $8::text[]) as x(t, v, e, ty, i, s, d, er)
                            on conflict (trigger_id, event_id) do nothing
                            returning 1)
                        select count(*) as n, pg_notify('%s', '') from inserted""".formatted(CHANNEL))
                .execute(Tuple.from(new Object[] {triggers, versions, events, types, ids, statuses, due, errors}))
                .map(rows -> rows.iterator().next().getLong("n").intValue());
    }

    /** Claims up to {@code limit} due executions, or running ones whose claim expired, for {@code owner}. */
    public Uni<List<ClaimedExecution>> claim(String owner, int limit, Duration lease) {
        return pool.preparedQuery("""
                        update trigger_executions set status = 'running', claimed_by = $1,
                               lease_until = now() + make_interval(secs => $3),
                               started_at = coalesce(started_at, now()), attempt = attempt + 1
                        where id in (select id from trigger_executions
                                     where (status in ('pending', 'scheduled', 'retrying') and next_attempt_at <= now())
                                        or (status = 'running' and lease_until < now())
                                     order by next_attempt_at
                                     for update skip locked
                                     limit $2)
                        returning id, trigger_id, trigger_version, event_id, entity_type, entity_id, current_step, attempt""")
                .execute(Tuple.of(owner, limit, lease.toMillis() / 1000.0))
                .map(rows -> {
                    List<ClaimedExecution> claimed = new ArrayList<>();
                    rows.forEach(r -> claimed.add(new ClaimedExecution(r.getLong("id"), r.getLong("trigger_id"), r.getInteger("trigger_version"),
                            r.getLong("event_id"), r.getString("entity_type"), r.getString("entity_id"), r.getInteger("current_step"),
                            r.getInteger("attempt"))));
                    return claimed;
                });
    }

    /**
     * Records a step's result and moves the execution past it (when it did not fail), in {@code tx},
     * renewing the claim.
     *
     * @throws LostClaim (as a failure) when {@code owner} no longer holds the execution
     */
    public Uni<Void> checkpoint(SqlClient tx, String owner, ClaimedExecution execution, int step, String actionType, String idempotencyKey,
                                StepResult result, OffsetDateTime startedAt, long durationMs, Duration lease) {
        boolean advance = result.status() != StepResult.StepStatus.FAILED;
        return tx.preparedQuery("""
                        update trigger_executions set current_step = case when $4 then $3 + 1 else $3 end,
                               lease_until = now() + make_interval(secs => $5)
                        where id = $1 and claimed_by = $2 and status = 'running'""")
                .execute(Tuple.of(execution.id(), owner, step, advance, lease.toMillis() / 1000.0))
                .flatMap(rows -> {
                    if (rows.rowCount() == 0) {
                        return Uni.createFrom().failure(new LostClaim(execution.id()));
                    }
                    return tx.preparedQuery("""
                                    insert into execution_steps (execution_id, step_index, action_type, status, idempotency_key, attempt,
                                                                 request, response, error, duration_ms, started_at, completed_at)
                                    values ($1, $2, $3, $4, $5, $6, $7::text::jsonb, $8::text::jsonb, $9, $10, $11, now())
                                    on conflict (execution_id, step_index) do update set
                                        status = excluded.status, attempt = excluded.attempt, request = excluded.request,
                                        response = excluded.response, error = excluded.error, duration_ms = excluded.duration_ms,
                                        started_at = excluded.started_at, completed_at = excluded.completed_at""")
                            .execute(Tuple.from(new Object[] {execution.id(), step, actionType, result.status().name().toLowerCase(Locale.ROOT),
                                    idempotencyKey, execution.attempt(), JsonText.write(result.output().get("request")),
                                    JsonText.write(withoutRequest(result.output())), result.error(), (int) durationMs, startedAt}))
                            .replaceWithVoid();
                });
    }

    /** Ends an execution held by {@code owner}: completed, failed or cancelled. */
    public Uni<Boolean> finish(String owner, long id, ExecutionStatus status, String error) {
        return pool.preparedQuery("""
                        update trigger_executions set status = $3, completed_at = now(), lease_until = null, claimed_by = null, error = $4
                        where id = $1 and claimed_by = $2 and status = 'running'""")
                .execute(Tuple.of(id, owner, status.wireName(), error))
                .map(rows -> rows.rowCount() == 1);
    }

    /** Schedules the next attempt of an execution held by {@code owner}; it resumes at its current step. */
    public Uni<Boolean> retryLater(String owner, long id, OffsetDateTime at, String error) {
        return pool.preparedQuery("""
                        update trigger_executions set status = 'retrying', next_attempt_at = $3, lease_until = null, claimed_by = null, error = $4
                        where id = $1 and claimed_by = $2 and status = 'running'""")
                .execute(Tuple.of(id, owner, at, error))
                .map(rows -> rows.rowCount() == 1);
    }

    /** An execution with its steps, as the API writes it; null when absent. */
    public Uni<Map<String, Object>> get(long id) {
        return pool.preparedQuery("select " + COLUMNS + " from trigger_executions where id = $1").execute(Tuple.of(id))
                .flatMap(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().nullItem();
                    }
                    Map<String, Object> execution = json(rows.iterator().next());
                    return steps(id).map(steps -> {
                        execution.put("steps", steps);
                        return execution;
                    });
                });
    }

    /** A trigger's executions, newest first. */
    public Uni<List<Map<String, Object>>> history(long triggerId, ExecutionStatus status, int limit) {
        return pool.preparedQuery("select " + COLUMNS + " from trigger_executions where trigger_id = $1 and ($2::text is null or status = $2)"
                        + " order by created_at desc, id desc limit $3")
                .execute(Tuple.of(triggerId, status == null ? null : status.wireName(), limit))
                .map(rows -> {
                    List<Map<String, Object>> out = new ArrayList<>();
                    rows.forEach(row -> out.add(json(row)));
                    return out;
                });
    }

    private Uni<List<Map<String, Object>>> steps(long executionId) {
        return pool.preparedQuery("""
                        select step_index, action_type, status, idempotency_key, attempt, request::text as request, response::text as response,
                               error, duration_ms, started_at, completed_at
                        from execution_steps where execution_id = $1 order by step_index""")
                .execute(Tuple.of(executionId))
                .map(rows -> {
                    List<Map<String, Object>> steps = new ArrayList<>();
                    for (Row row : rows) {
                        Map<String, Object> step = new LinkedHashMap<>();
                        step.put("step_index", row.getInteger("step_index"));
                        step.put("action_type", row.getString("action_type"));
                        step.put("status", row.getString("status"));
                        step.put("attempt", row.getInteger("attempt"));
                        step.put("idempotency_key", row.getString("idempotency_key"));
                        step.put("duration_ms", row.getInteger("duration_ms"));
                        step.put("started_at", text(row.getOffsetDateTime("started_at")));
                        step.put("completed_at", text(row.getOffsetDateTime("completed_at")));
                        step.put("request", JsonText.read(row.getString("request")));
                        step.put("output", JsonText.read(row.getString("response")));
                        step.put("error", row.getString("error"));
                        steps.add(step);
                    }
                    return steps;
                });
    }

    private static Map<String, Object> json(Row row) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("id", row.getLong("id"));
        e.put("trigger_id", row.getLong("trigger_id"));
        e.put("trigger_version", row.getInteger("trigger_version"));
        e.put("event_id", row.getLong("event_id"));
        e.put("entity_type", row.getString("entity_type"));
        e.put("entity_id", row.getString("entity_id"));
        e.put("status", row.getString("status"));
        e.put("attempt", row.getInteger("attempt"));
        e.put("current_step", row.getInteger("current_step"));
        e.put("next_attempt_at", text(row.getOffsetDateTime("next_attempt_at")));
        e.put("rate_limited_window", row.getString("rate_limited_window"));
        e.put("error", row.getString("error"));
        OffsetDateTime started = row.getOffsetDateTime("started_at");
        OffsetDateTime completed = row.getOffsetDateTime("completed_at");
        e.put("created_at", text(row.getOffsetDateTime("created_at")));
        e.put("started_at", text(started));
        e.put("completed_at", text(completed));
        e.put("duration_ms", started != null && completed != null ? Duration.between(started, completed).toMillis() : null);
        return e;
    }

    private static String text(OffsetDateTime time) {
        return time == null ? null : time.toString();
    }

    private static Map<String, Object> withoutRequest(Map<String, Object> output) {
        if (!output.containsKey("request")) {
            return output;
        }
        Map<String, Object> copy = new LinkedHashMap<>(output);
        copy.remove("request");
        return copy;
    }
}
