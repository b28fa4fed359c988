package dev.triggerfish.retention;

import dev.triggerfish.event.EventStatus;
import dev.triggerfish.execution.ExecutionStatus;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;

/**
 * Removes history past its age, one batch per statement (each statement is its own transaction, so it
 * holds the locks of one batch only). Executions go first, with their steps in the same statement (the
 * steps have no foreign key: V5), once they ended longer ago than the age (an execution replayed and
 * ended a moment ago stays, whenever it was created), found oldest first through V20's index on
 * {@code created_at} (what ended before the cutoff was created before it);
 * an event goes once it is older than the age (found below the executions still waiting to go, or through
 * V17's BRIN index on {@code created_at}: see {@link #EVENTS}) and none of its executions is left, so no
 * execution ever points at an event that is gone. Rows the engine still works on are never candidates: executions
 * that have not ended, events still new or being dispatched. {@code FOR UPDATE SKIP LOCKED} lets several
 * replicas sweep at once, and steps aside from a row a replay or redispatch is changing right now.
 */
@ApplicationScoped
public class HistoryRetention {
    /** Executions that ended longer ago than the age ({@code $1}, in seconds), with their ended statuses the parameter {@code %s}: what may go. */
    private static final String ENDED_LONG_AGO = """
            created_at < now() - make_interval(secs => $1) and completed_at < now() - make_interval(secs => $1)
                  and status = any(%s)""";

    static final String EXECUTIONS = """
            with old as (
                select id from trigger_executions
                where %s
                order by created_at limit $3
                for update skip locked),
            -- = any(array(...)): by primary key, whatever a generic plan guesses for the limit (a hash join
            -- walked both tables: half a second a batch)
            steps as (delete from execution_steps where execution_id = any(array(select id from old))),
            gone as (delete from trigger_executions where id = any(array(select id from old)) returning 1)
            select count(*) as n from gone""".formatted(ENDED_LONG_AGO.formatted("$2"));

    /**
     * The candidates come from one of two branches. While old executions still wait to go (a backlog,
     * removed a few batches a sweep), the oldest of them marks a frontier: the events below its event's
     * id are walked through the primary key, and the events past it, which those executions still hold,
     * are not (probing each of a million of them to find that none can go took a second a batch). With no
     * backlog, the old events are found through the BRIN index on {@code created_at}. Either way the
     * {@code not exists} decides, so the frontier only spares work: an event past it goes once the
     * executions before it are gone.
     */
    static final String EVENTS = """
            with frontier as (
                select event_id from trigger_executions
                where %s
                order by created_at limit 1),
            below as (
                select id from events e
                where id < (select event_id from frontier)
                  and created_at < now() - make_interval(secs => $1) and status = any($2)
                  -- offset 0: probed per candidate through trigger_executions_once, never as an anti join (a
                  -- generic plan hashed every execution first: 0.9 s a batch of 1,000 with a million kept, 8 ms probed)
                  and not exists (select 1 from trigger_executions x where x.event_id = e.id offset 0)
                order by id limit $3
                for update skip locked),
            unbounded as (
                select id from events e
                where not exists (select from frontier)
                  and created_at < now() - make_interval(secs => $1) and status = any($2)
                  and not exists (select 1 from trigger_executions x where x.event_id = e.id offset 0)
                limit $3
                for update skip locked),
            gone as (delete from events where id = any(array(select id from below union all select id from unbounded)) returning 1)
            select count(*) as n from gone""".formatted(ENDED_LONG_AGO.formatted("$4"));

    private static final String[] ENDED = ExecutionStatus.wireNames(ExecutionStatus.ENDED);
    private static final String[] SETTLED = EventStatus.SETTLED.stream().map(EventStatus::wireName).toArray(String[]::new);

    private final Pool pool;

    public HistoryRetention(Pool pool) {
        this.pool = pool;
    }

    /** Removes up to {@code batch} ended executions older than {@code maxAge}, with their steps; answers how many. */
    public Uni<Integer> removeExecutions(Duration maxAge, int batch) {
        return remove(EXECUTIONS, Tuple.of(seconds(maxAge), ENDED, batch));
    }

    /** Removes up to {@code batch} dispatched or failed events older than {@code maxAge} that no execution refers to. */
    public Uni<Integer> removeEvents(Duration maxAge, int batch) {
        return remove(EVENTS, Tuple.of(seconds(maxAge), SETTLED, batch, ENDED));
    }

    private static double seconds(Duration maxAge) {
        return maxAge.toMillis() / 1000.0;
    }

    private Uni<Integer> remove(String sql, Tuple arguments) {
        return pool.preparedQuery(sql).execute(arguments)
                .map(rows -> rows.iterator().next().getLong("n").intValue());
    }
}
