package dev.triggerfish.execution;

import dev.triggerfish.action.StepResult;
import dev.triggerfish.event.DueExecutions;
import dev.triggerfish.event.EventStore;
import dev.triggerfish.support.JsonText;
import dev.triggerfish.template.Secrets;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;

/**
 * The executions and their steps, in SQL. Every state change is conditional on the claim it holds
 * ({@code claimed_by}), so a runner that lost its claim changes nothing. {@code claimed_by} is set
 * exactly while an execution runs (a check constraint, V5): the updates of held rows test it alone,
 * so PostgreSQL finds them by primary key rather than through the partial index of running rows,
 * whose dead entries pile up between vacuums under load.
 *
 * <p>Every text this class writes (step requests, outputs and errors, execution errors) passes
 * {@link Secrets#redact} here, the one way into these tables, so no action can leak a secret into an
 * execution record; what it reads is redacted again, for rows written before a secret was set.
 */
@ApplicationScoped
public class ExecutionStore implements DueExecutions {
    public static final String CHANNEL = "triggerfish_executions";
    private static final String COLUMNS = "id, trigger_id, trigger_version, event_id, entity_type, entity_id, status, attempt,"
            + " next_attempt_at, current_step, rate_limited_window, error, created_at, started_at, completed_at,"
            + " workflow_id, parent_execution_id, parent_step, cadence_enrolment_id, cadence_step, debug::text as debug";

    /**
     * What a claim takes, from the queue (V20): due work, and running work whose claim expired. The
     * queue's partial indexes read {@code running} as a constant; the history row is checked again, under
     * its own lock (due: statuses $5; expired: running, $4, as V20's triggers queue it: a lease that is
     * missing counts as expired).
     */
    private static final String QUEUED_DUE = "from execution_queue where not running and due_at <= now()";
    private static final String QUEUED_EXPIRED = "from execution_queue where running and due_at < now()";

    /**
     * The claim: the two selections, the status written bound ($4). Queue rows are locked first and
     * skipped when another claim holds them; history rows are locked skipping too, so a claim never waits
     * (a finish locks the history row, then its queue row: a claim that waited for that history row while
     * holding the queue row would deadlock with it).
     */
    static final String CLAIM = """
            with due as (
                select execution_id as id %s
                order by due_at
                for update skip locked
                limit $2),
            expired as (
                select execution_id as id %s
                for update skip locked
                limit $2),
            held as (
                -- = any(array(...)): found by primary key whatever the planner guesses for the limit
                select id from trigger_executions
                where id = any(array(select id from due union all select id from expired))
                  and ((status = any($5) and next_attempt_at <= now()) or (status = $4 and (lease_until is null or lease_until < now())))
                for update skip locked),
            claimed as (
                update trigger_executions set status = $4, claimed_by = $1,
                       lease_until = now() + make_interval(secs => $3),
                       started_at = coalesce(started_at, now()), attempt = attempt + 1
                where id = any(array(select id from held))
                returning id as execution_id, trigger_id, trigger_version, event_id, entity_type as execution_entity_type,
                          entity_id as execution_entity_id, current_step, attempt, flow::text as flow)
            select c.*, %s,
                   coalesce(c.attempt = 1 and c.current_step = 0 and e.id is not null and (r.id is null
                       or case when e.source in ('records', 'action', 'manual', 'workflow', 'cadence')
                               then coalesce(e.new_state, e.old_state) -> 'version' = to_jsonb(r.version)
                                    and r.updated_at <= e.created_at
                               else e.created_at > now() - interval '2 seconds' end), false) as fresh
            from claimed c left join events e on e.id = c.event_id
                 left join crm_records r on r.type = c.execution_entity_type and r.id = c.execution_entity_id"""
            .formatted(QUEUED_DUE, QUEUED_EXPIRED, EventStore.columns("e"));

    /** Whether {@link #CLAIM} would find anything: the same two selections, one row each at most. */
    static final String ANY_CLAIMABLE = "select exists(select 1 %s) or exists(select 1 %s) as claimable".formatted(QUEUED_DUE, QUEUED_EXPIRED);

    static final String COUNT_DUE = "select count(*) as n " + QUEUED_DUE;

    /** When the oldest due execution not yet claimed became due (null when none is), for the backlog's age. */
    public static final String OLDEST_DUE_AT = "select min(due_at) " + QUEUED_DUE;

    private static final String[] DUE = ExecutionStatus.wireNames(ExecutionStatus.DUE);

    /** What a replay starts again, each of which may become retrying (checked once, here). */
    private static final String[] REPLAYED_FROM = replayedFrom();

    private final Pool pool;
    private final Secrets secrets;
    private final ExecutionMetrics metrics;

    public ExecutionStore(Pool pool, Secrets secrets, ExecutionMetrics metrics) {
        this.pool = pool;
        this.secrets = secrets;
        this.metrics = metrics;
    }

    /** Inserts one pending execution, due now by the database's clock, for an event stored in {@code tx}; answers its id. */
    public Uni<Long> insertDueNow(SqlClient tx, long triggerId, int triggerVersion, long eventId, String entityType, String entityId) {
        return tx.preparedQuery("""
                        with inserted as (
                            insert into trigger_executions (trigger_id, trigger_version, event_id, entity_type, entity_id, status, next_attempt_at)
                            values ($1, $2, $3, $4, $5, $6, now())
                            returning id)
                        select id, pg_notify('%s', '') from inserted""".formatted(CHANNEL))
                .execute(Tuple.from(new Object[] {triggerId, triggerVersion, eventId, entityType, entityId, ExecutionStatus.PENDING.wireName()}))
                .map(rows -> rows.iterator().next().getLong("id"));
    }

    /**
     * Inserts, in {@code tx}, a pending execution due now that runs {@code child}'s flow rather than its
     * trigger's actions; answers its id. A second child of the same parent step, or a second execution
     * of the same enrolment step, breaks a unique index (V14): the database holds "exactly one".
     */
    public Uni<Long> insertChild(SqlClient tx, ChildExecution child) {
        return tx.preparedQuery("""
                        with inserted as (
                            insert into trigger_executions (trigger_id, trigger_version, event_id, entity_type, entity_id, status, next_attempt_at,
                                                            flow, workflow_id, parent_execution_id, parent_step, cadence_enrolment_id, cadence_step)
                            values ($1, coalesce($2::int, (select p.trigger_version from trigger_executions p where p.id = $9),
                                             (select t.version from event_triggers t where t.id = $1), 0), $3, $4, $5, $6, now(),
                                    $7::text::jsonb, $8, $9, $10, $11, $12)
                            returning id)
                        select id, pg_notify('%s', '') from inserted""".formatted(CHANNEL))
                .execute(Tuple.from(new Object[] {child.triggerId(), child.triggerVersion(), child.eventId(), child.entityType(),
                        child.entityId(), checkInitial(ExecutionStatus.PENDING, false).wireName(), JsonText.write(child.flow().toJson()),
                        child.workflowId(), child.parentExecutionId(), child.parentStep(), child.enrolmentId(), child.cadenceStep()}))
                .map(rows -> rows.iterator().next().getLong("id"));
    }

    /** The child a parent step started, or null: read in the step's transaction, so a repeated step finds it. */
    public Uni<Long> childOf(SqlClient tx, long parentExecutionId, int parentStep) {
        return tx.preparedQuery("select id from trigger_executions where parent_execution_id = $1 and parent_step = $2")
                .execute(Tuple.of(parentExecutionId, parentStep))
                .map(rows -> rows.rowCount() == 0 ? null : rows.iterator().next().getLong("id"));
    }

    /** Inserts executions in {@code tx}: at most one per (trigger, event), whatever is sent twice. Returns how many are new. */
    public Uni<Integer> insert(SqlClient tx, List<NewExecution> executions) {
        if (executions.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        executions.forEach(e -> checkInitial(e.status(), false));
        Object[] c = java.util.Arrays.copyOf(columns(executions), 10);
        c[9] = ExecutionStatus.wireNames(ExecutionStatus.ENDED);
        String[] errors = (String[]) c[7];
        for (int i = 0; i < errors.length; i++) {
            errors[i] = secrets.redact(errors[i]);
        }
        return tx.preparedQuery("""
                        with inserted as (
                            insert into trigger_executions (trigger_id, trigger_version, event_id, entity_type, entity_id, status,
                                                            next_attempt_at, error, rate_limited_window, completed_at)
                            select t, v, e, ty, i, s, d, er, w, case when s = any($10::text[]) then now() end
                            from unnest($1::bigint[], $2::int[], $3::bigint[], $4::text[], $5::text[], $6::text[],
                                        $7::timestamptz[], $8::text[], $9::text[]) as x(t, v, e, ty, i, s, d, er, w)
                            on conflict (trigger_id, event_id) do nothing
                            returning 1)
                        select count(*) as n, pg_notify('%s', '') from inserted""".formatted(CHANNEL))
                .execute(Tuple.from(c))
                .map(rows -> rows.iterator().next().getLong("n").intValue());
    }

    /**
     * Inserts executions already claimed by {@code owner} (running, attempt 1), in {@code tx}; returns
     * their ids in the order given.
     */
    public Uni<List<Long>> insertClaimed(SqlClient tx, String owner, List<NewExecution> executions, Duration lease) {
        if (executions.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        int n = executions.size();
        Object[] c = columns(executions);
        return tx.preparedQuery("""
                        insert into trigger_executions (trigger_id, trigger_version, event_id, entity_type, entity_id, status, attempt,
                                                        claimed_by, lease_until, started_at)
                        select t, v, e, ty, i, $8, 1, $6, now() + make_interval(secs => $7), now()
                        from unnest($1::bigint[], $2::int[], $3::bigint[], $4::text[], $5::text[]) with ordinality as x(t, v, e, ty, i, ord)
                        order by ord
                        returning id, trigger_id, event_id""")
                .execute(Tuple.from(new Object[] {c[0], c[1], c[2], c[3], c[4], owner, lease.toMillis() / 1000.0,
                        checkInitial(ExecutionStatus.RUNNING, true).wireName()}))
                .map(rows -> {
                    Map<String, Long> byKey = new java.util.HashMap<>();
                    rows.forEach(row -> byKey.put(row.getLong("trigger_id") + "/" + row.getLong("event_id"), row.getLong("id")));
                    List<Long> out = new ArrayList<>(n);
                    executions.forEach(e -> out.add(byKey.get(e.triggerId() + "/" + e.eventId())));
                    return out;
                });
    }

    private static String[] replayedFrom() {
        ExecutionStatus.REPLAYABLE.forEach(from -> ExecutionStatus.checkTransition(from, ExecutionStatus.RETRYING));
        return ExecutionStatus.wireNames(ExecutionStatus.REPLAYABLE);
    }

    /**
     * {@code status}, when a new execution may start in it; else a bug of the caller. A running one
     * carries its claim (V5), so only {@link #insertClaimed} (and the intake's one statement,
     * dispatch.IntakeStore) creates one.
     */
    public static ExecutionStatus checkInitial(ExecutionStatus status, boolean claimed) {
        if (!ExecutionStatus.INITIAL.contains(status) || (status == ExecutionStatus.RUNNING) != claimed) {
            throw new IllegalArgumentException("an execution is not created " + status.wireName() + (claimed ? " by a claim" : " unclaimed"));
        }
        return status;
    }

    /** The executions as column arrays for {@code unnest}: trigger, version, event, type, id, status, due, error, window. */
    private static Object[] columns(List<NewExecution> executions) {
        int n = executions.size();
        Long[] triggers = new Long[n];
        Integer[] versions = new Integer[n];
        Long[] events = new Long[n];
        String[] types = new String[n];
        String[] ids = new String[n];
        String[] statuses = new String[n];
        OffsetDateTime[] due = new OffsetDateTime[n];
        String[] errors = new String[n];
        String[] windows = new String[n];
        for (int i = 0; i < n; i++) {
            NewExecution e = executions.get(i);
            windows[i] = e.rateLimitedWindow();
            triggers[i] = e.triggerId();
            versions[i] = e.triggerVersion();
            events[i] = e.eventId();
            types[i] = e.entityType();
            ids[i] = e.entityId();
            statuses[i] = e.status().wireName();
            due[i] = e.nextAttemptAt();
            errors[i] = e.error();
        }
        return new Object[] {triggers, versions, events, types, ids, statuses, due, errors, windows};
    }

    /**
     * Claims up to {@code limit} due executions, or running ones whose claim expired, for
     * {@code owner}, each with its event and whether that event still holds its record's current
     * state (one query). That is decided by the database alone, never against this JVM's clock: the
     * first run of an event the store wrote (records, action, manual) is fresh while the record is
     * still at the event's version and not written again since (or gone); of any other event, while
     * it is younger than two seconds by the database's own {@code now()}.
     *
     * <p>Due ({@link ExecutionStatus#DUE}) or running becomes running. The two selections read the queue
     * (V20) through its partial indexes.
     */
    public Uni<List<ClaimedExecution>> claim(String owner, int limit, Duration lease) {
        return pool.preparedQuery(CLAIM)
                .execute(Tuple.of(owner, limit, lease.toMillis() / 1000.0, ExecutionStatus.RUNNING.wireName(), DUE))
                .map(rows -> {
                    List<ClaimedExecution> claimed = new ArrayList<>();
                    rows.forEach(r -> claimed.add(new ClaimedExecution(r.getLong("execution_id"), r.getLong("trigger_id"),
                            r.getInteger("trigger_version"), r.getLong("event_id"), r.getString("execution_entity_type"),
                            r.getString("execution_entity_id"), r.getInteger("current_step"), r.getInteger("attempt"),
                            r.getLong("id") == null ? null : EventStore.read(r), r.getBoolean("fresh"),
                            Flow.fromJson(JsonText.readObject(r.getString("flow"))))));
                    return claimed;
                });
    }

    /**
     * Records steps and moves their executions on, in {@code tx}: past each step unless it failed, the
     * claim renewed, or ended when the record carries a final status. Only executions {@code owner}
     * still holds are touched; their ids are returned.
     */
    public Uni<Set<Long>> record(SqlClient client, String owner, List<StepRecord> records, Duration lease) {
        return Uni.createFrom().deferred(() -> recordNow(client, owner, records, lease));
    }

    private Uni<Set<Long>> recordNow(SqlClient client, String owner, List<StepRecord> records, Duration lease) {
        int n = records.size();
        Long[] ids = new Long[n];
        Integer[] steps = new Integer[n];
        Integer[] nextSteps = new Integer[n];
        String[] finals = new String[n];
        String[] executionErrors = new String[n];
        OffsetDateTime[] nextAttempts = new OffsetDateTime[n];
        String[] types = new String[n];
        String[] statuses = new String[n];
        String[] keys = new String[n];
        Integer[] attempts = new Integer[n];
        String[] requests = new String[n];
        String[] responses = new String[n];
        String[] stepErrors = new String[n];
        Integer[] durations = new Integer[n];
        OffsetDateTime[] started = new OffsetDateTime[n];
        Integer[] fallbacks = new Integer[n];
        for (int i = 0; i < n; i++) {
            StepRecord r = records.get(i);
            ids[i] = r.execution().id();
            steps[i] = r.step();
            fallbacks[i] = r.fallback();
            nextSteps[i] = r.nextStep();
            // a checkpoint keeps the execution running (and its claim); a final status is one that running may become
            finals[i] = r.finalStatus() == null ? null : ExecutionStatus.checkTransition(ExecutionStatus.RUNNING, r.finalStatus()).wireName();
            executionErrors[i] = secrets.redact(r.error());
            nextAttempts[i] = r.nextAttemptAt();
            types[i] = r.actionType();
            statuses[i] = r.result().status().name().toLowerCase(Locale.ROOT);
            keys[i] = r.idempotencyKey();
            attempts[i] = r.execution().attempt();
            requests[i] = JsonText.write(secrets.redactJson(r.result().output().get("request")));
            responses[i] = JsonText.write(secrets.redactJson(withoutRequest(r.result().output())));
            stepErrors[i] = secrets.redact(r.result().error());
            durations[i] = (int) r.durationMs();
            started[i] = r.startedAt();
        }
        // one statement (atomic on its own): the executions still held move on, and only their steps are written
        return client.preparedQuery("""
                        with input as (
                            select * from unnest($3::bigint[], $4::int[], $5::int[], $6::text[], $7::text[], $8::timestamptz[],
                                                 $9::text[], $10::text[], $11::text[], $12::int[], $13::text[], $14::text[],
                                                 $15::text[], $16::int[], $17::timestamptz[], $21::int[])
                                as u(id, step, next_step, status, error, next_attempt_at, type, step_status, key, attempt,
                                     request, response, step_error, duration, started, fallback)),
                        held as (
                            update trigger_executions t set
                                current_step = u.next_step,
                                status = coalesce(u.status, t.status),
                                -- a delay is no attempt: the claim that resumes after it counts this one again
                                attempt = t.attempt - case when u.status = $20 then 1 else 0 end,
                                lease_until = case when u.status is null then now() + make_interval(secs => $2) end,
                                claimed_by = case when u.status is null then t.claimed_by end,
                                completed_at = case when u.status = any($19) then now() end,
                                next_attempt_at = coalesce(u.next_attempt_at, t.next_attempt_at),
                                error = case when u.status is null then t.error else u.error end
                            from input u
                            where t.id = any($3::bigint[]) and t.id = u.id and t.claimed_by = $1 and t.status = $18
                            returning t.id),
                        written as (
                            insert into execution_steps (execution_id, step_index, fallback, action_type, status, idempotency_key, attempt,
                                                         request, response, error, duration_ms, started_at, completed_at)
                            select u.id, u.step, u.fallback, u.type, u.step_status, u.key, u.attempt, u.request::jsonb, u.response::jsonb,
                                   u.step_error, u.duration, u.started, now()
                            from input u join held h on h.id = u.id
                            on conflict (execution_id, step_index, fallback) do update set
                                status = excluded.status, attempt = excluded.attempt, request = excluded.request,
                                response = excluded.response, error = excluded.error, duration_ms = excluded.duration_ms,
                                started_at = excluded.started_at, completed_at = excluded.completed_at)
                        select id from held""")
                .execute(Tuple.from(new Object[] {owner, lease.toMillis() / 1000.0, ids, steps, nextSteps, finals, executionErrors,
                        nextAttempts, types, statuses, keys, attempts, requests, responses, stepErrors, durations, started,
                        ExecutionStatus.RUNNING.wireName(), ExecutionStatus.wireNames(ExecutionStatus.ENDED),
                        ExecutionStatus.SCHEDULED.wireName(), fallbacks}))
                .map(rows -> {
                    Set<Long> held = new HashSet<>();
                    rows.forEach(row -> held.add(row.getLong("id")));
                    counted(records, held);
                    return held;
                });
    }

    /** The meters of the steps written and the executions they ended (only those still held: the rest changed nothing). */
    private void counted(List<StepRecord> records, Set<Long> held) {
        for (StepRecord r : records) {
            if (held.contains(r.execution().id())) {
                metrics.step(r.actionType(), r.result().status().name().toLowerCase(Locale.ROOT), r.durationMs());
                if (r.finalStatus() != null) {
                    metrics.ended(r.execution().triggerId(), r.finalStatus());
                }
            }
        }
    }

    /** Keeps the debug trace of an execution {@code owner} holds (debug_mode), once: secrets redacted. */
    public Uni<Void> debug(String owner, long id, Map<String, Object> trace) {
        return pool.preparedQuery("update trigger_executions set debug = $3::text::jsonb where id = $1 and claimed_by = $2 and debug is null")
                .execute(Tuple.of(id, owner, JsonText.write(secrets.redactJson(JsonText.read(JsonText.write(trace))))))
                .replaceWithVoid();
    }

    /** Ends an execution held by {@code owner}: running becomes completed, failed or cancelled. False: the claim was lost. */
    public Uni<Boolean> finish(String owner, long id, ExecutionStatus status, String error) {
        if (!status.ended() || !ExecutionStatus.RUNNING.canBecome(status)) {
            return Uni.createFrom().failure(new IllegalArgumentException("an execution is not finished " + status.wireName()));
        }
        return pool.preparedQuery("""
                        update trigger_executions set status = $3, completed_at = now(), lease_until = null, claimed_by = null, error = $4
                        where id = $1 and claimed_by = $2 and status = $5
                        returning trigger_id""")
                .execute(Tuple.of(id, owner, status.wireName(), secrets.redact(error), ExecutionStatus.RUNNING.wireName()))
                .map(rows -> {
                    rows.forEach(row -> metrics.ended(row.getLong("trigger_id"), status));
                    return rows.rowCount() == 1;
                });
    }

    /** How many executions are due and not claimed ({@link ExecutionStatus#DUE}, as {@link #claim} takes them), from the queue. */
    @Override
    public Uni<Long> countDue() {
        return pool.query(COUNT_DUE).execute().map(rows -> rows.iterator().next().getLong("n"));
    }

    /** Whether a claim would find anything now (due executions, or running ones whose claim expired). */
    public Uni<Boolean> anyClaimable() {
        return pool.preparedQuery(ANY_CLAIMABLE).execute().map(rows -> rows.iterator().next().getBoolean("claimable"));
    }

    /** Extends the leases of executions {@code owner} still holds (the heartbeat: they stay running); returns how many. */
    public Uni<Integer> renew(String owner, List<Long> ids, Duration lease) {
        return pool.preparedQuery("""
                        update trigger_executions set lease_until = now() + make_interval(secs => $3)
                        where id = any($2) and claimed_by = $1 and status = $4""")
                .execute(Tuple.of(owner, ids.toArray(Long[]::new), lease.toMillis() / 1000.0, ExecutionStatus.RUNNING.wireName()))
                .map(rows -> rows.rowCount());
    }

    /**
     * Gives back every execution {@code owner} holds, due now (at shutdown: another replica, or this
     * one restarted, continues at the checkpointed step). The interrupted attempt does not count.
     * Running becomes pending before its first step, else retrying; the running rows are found through
     * the queue (V20: its leases index).
     */
    public Uni<Integer> release(String owner) {
        return pool.preparedQuery("""
                        update trigger_executions set status = case when current_step = 0 then $2 else $3 end,
                               claimed_by = null, lease_until = null, next_attempt_at = now(), attempt = greatest(attempt - 1, 0)
                        where id = any(array(select execution_id from execution_queue where running)) and claimed_by = $1 and status = $4""")
                .execute(Tuple.of(owner, ExecutionStatus.checkTransition(ExecutionStatus.RUNNING, ExecutionStatus.PENDING).wireName(),
                        ExecutionStatus.checkTransition(ExecutionStatus.RUNNING, ExecutionStatus.RETRYING).wireName(),
                        ExecutionStatus.RUNNING.wireName()))
                .map(rows -> rows.rowCount());
    }

    /**
     * Replays failed (and rate-limited) executions: each becomes retrying, due now, resuming at its failed
     * step with a fresh retry allowance. Anything else is left as it is, so a replay is idempotent.
     * Returns the ids replayed.
     */
    public Uni<List<Long>> replay(List<Long> ids) {
        return pool.preparedQuery("""
                        with replayed as (
                            update trigger_executions set status = $2, next_attempt_at = now(), attempt = 0,
                                   completed_at = null, claimed_by = null, lease_until = null
                            where id = any($1) and status = any($3)
                            returning id)
                        select id, pg_notify('%s', '') from replayed""".formatted(CHANNEL))
                .execute(Tuple.of(ids.toArray(Long[]::new), ExecutionStatus.RETRYING.wireName(), REPLAYED_FROM))
                .map(rows -> {
                    List<Long> out = new ArrayList<>();
                    rows.forEach(row -> out.add(row.getLong("id")));
                    return out;
                });
    }

    /** Ids of a trigger's executions created in [from, to) that a replay would start again (failed, rate limited). */
    public Uni<List<Long>> failed(long triggerId, OffsetDateTime from, OffsetDateTime to) {
        return pool.preparedQuery("""
                        select id from trigger_executions where trigger_id = $1 and status = any($4)
                          and created_at >= coalesce($2, '-infinity'::timestamptz) and created_at < coalesce($3, 'infinity'::timestamptz)
                        order by id""")
                .execute(Tuple.of(triggerId, from, to, REPLAYED_FROM))
                .map(rows -> {
                    List<Long> out = new ArrayList<>();
                    rows.forEach(row -> out.add(row.getLong("id")));
                    return out;
                });
    }

    /** An execution with its steps, as the API writes it; null when absent. */
    public Uni<Map<String, Object>> get(long id) {
        return pool.preparedQuery("select " + COLUMNS + " from trigger_executions where id = $1").execute(Tuple.of(id))
                .flatMap(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().nullItem();
                    }
                    Map<String, Object> execution = json(rows.iterator().next());
                    return steps(id).flatMap(steps -> {
                        execution.put("steps", steps);
                        return children(id);
                    }).map(children -> {
                        execution.put("children", children);
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

    /** The workflows an execution's steps started: each child with the step that started it. */
    private Uni<List<Map<String, Object>>> children(long executionId) {
        return pool.preparedQuery("select id, parent_step, workflow_id, status from trigger_executions where parent_execution_id = $1"
                        + " order by parent_step")
                .execute(Tuple.of(executionId))
                .map(rows -> {
                    List<Map<String, Object>> children = new ArrayList<>();
                    for (Row row : rows) {
                        Map<String, Object> child = new LinkedHashMap<>();
                        child.put("execution_id", row.getLong("id"));
                        child.put("step_index", row.getInteger("parent_step"));
                        child.put("workflow_id", row.getLong("workflow_id"));
                        child.put("status", row.getString("status"));
                        children.add(child);
                    }
                    return children;
                });
    }

    /**
     * What the checkpoints of step {@code step} say of its fallbacks: whether the action failed for good
     * and they took over ({@link FallbackProgress#REPLACED}), and the status of each that ran, by number.
     */
    Uni<FallbackRun> fallbackProgress(long executionId, int step) {
        return pool.preparedQuery("""
                        select fallback, status, fallback = 0 and coalesce(response ? $3, false) as replaced
                        from execution_steps where execution_id = $1 and step_index = $2""")
                .execute(Tuple.of(executionId, step, FallbackProgress.REPLACED))
                .map(rows -> {
                    boolean replaced = false;
                    Map<Integer, String> statuses = new HashMap<>();
                    for (Row row : rows) {
                        replaced |= row.getBoolean("replaced");
                        if (row.getInteger("fallback") > 0) {
                            statuses.put(row.getInteger("fallback"), row.getString("status"));
                        }
                    }
                    return new FallbackRun(replaced, statuses);
                });
    }

    /** The checkpointed progress of a step's fallbacks (see {@link #fallbackProgress}). */
    record FallbackRun(boolean replaced, Map<Integer, String> statuses) {
    }

    private Uni<List<Map<String, Object>>> steps(long executionId) {
        return pool.preparedQuery("""
                        select step_index, fallback, action_type, status, idempotency_key, attempt, request::text as request,
                               response::text as response, error, duration_ms, started_at, completed_at
                        from execution_steps where execution_id = $1 order by step_index, fallback""")
                .execute(Tuple.of(executionId))
                .map(rows -> {
                    List<Map<String, Object>> steps = new ArrayList<>();
                    for (Row row : rows) {
                        Map<String, Object> step = new LinkedHashMap<>();
                        step.put("step_index", row.getInteger("step_index"));
                        if (row.getInteger("fallback") > 0) {
                            step.put("fallback", row.getInteger("fallback")); // the n-th action run in place of the step's own
                        }
                        step.put("action_type", row.getString("action_type"));
                        step.put("status", row.getString("status"));
                        step.put("attempt", row.getInteger("attempt"));
                        step.put("idempotency_key", row.getString("idempotency_key"));
                        step.put("duration_ms", row.getInteger("duration_ms"));
                        step.put("started_at", text(row.getOffsetDateTime("started_at")));
                        step.put("completed_at", text(row.getOffsetDateTime("completed_at")));
                        step.put("request", secrets.redactJson(JsonText.read(row.getString("request"))));
                        step.put("output", secrets.redactJson(JsonText.read(row.getString("response"))));
                        step.put("error", secrets.redact(row.getString("error")));
                        steps.add(step);
                    }
                    return steps;
                });
    }

    private Map<String, Object> json(Row row) {
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
        e.put("error", secrets.redact(row.getString("error")));
        // what started it when not its trigger's event alone: a parent's trigger_workflow step, or a cadence enrolment
        e.put("workflow_id", row.getLong("workflow_id"));
        e.put("parent_execution_id", row.getLong("parent_execution_id"));
        e.put("parent_step", row.getInteger("parent_step"));
        e.put("cadence_enrolment_id", row.getLong("cadence_enrolment_id"));
        e.put("cadence_step", row.getInteger("cadence_step"));
        OffsetDateTime started = row.getOffsetDateTime("started_at");
        OffsetDateTime completed = row.getOffsetDateTime("completed_at");
        e.put("created_at", text(row.getOffsetDateTime("created_at")));
        e.put("started_at", text(started));
        e.put("completed_at", text(completed));
        e.put("duration_ms", started != null && completed != null ? Duration.between(started, completed).toMillis() : null);
        if (row.getString("debug") != null) {
            e.put("debug", secrets.redactJson(JsonText.read(row.getString("debug"))));
        }
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
