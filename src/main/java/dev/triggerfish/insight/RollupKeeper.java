package dev.triggerfish.insight;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.OffsetDateTime;

/**
 * Keeps {@code execution_rollup} up to date, incrementally: the executions that ended since the
 * watermark (through the BRIN index on {@code completed_at}; the first rollup starts at the oldest
 * ended execution's creation, through the index on {@code created_at}), at most {@code rollup-step-days} of them per
 * transaction, are added to their (trigger, day, status) row, and the watermark moves on in the same
 * transaction. One replica at a time: the others skip the locked watermark. Nothing on the pipeline's
 * path writes to the rollup. An execution counts once per ending: a replayed one that fails again or
 * completes counts again.
 */
@ApplicationScoped
public class RollupKeeper {
    private static final Logger LOG = Logger.getLogger(RollupKeeper.class);
    static final String ROLL_UP = """
            with ended as (
                select trigger_id, (completed_at at time zone 'UTC')::date as day, status,
                       case when started_at is not null then extract(epoch from completed_at - started_at) * 1000 end as ms
                from trigger_executions
                where completed_at is not null and completed_at > $1 and completed_at <= $2),
            rolled as (
                select trigger_id, day, status, count(*) as executions, count(ms) as timed, coalesce(sum(ms), 0) as ms_sum,
                       %s as buckets
                from ended group by trigger_id, day, status)
            insert into execution_rollup as r (trigger_id, day, status, executions, timed, duration_ms_sum, duration_buckets)
            select trigger_id, day, status, executions, timed, ms_sum, buckets from rolled
            on conflict (trigger_id, day, status) do update set
                executions = r.executions + excluded.executions,
                timed = r.timed + excluded.timed,
                duration_ms_sum = r.duration_ms_sum + excluded.duration_ms_sum,
                duration_buckets = (select array_agg(a + b order by i)
                                    from unnest(r.duration_buckets, excluded.duration_buckets) with ordinality as x(a, b, i))"""
            .formatted(DurationBuckets.sqlCounts("ms"));

    private final Pool pool;
    private final AnalyticsConfig config;

    public RollupKeeper(Pool pool, AnalyticsConfig config) {
        this.pool = pool;
        this.config = config;
    }

    @Scheduled(every = "${triggerfish.analytics.rollup-interval}", delayed = "2s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return catchUp()
                .onFailure().invoke(e -> LOG.debugf("rollup not brought up to date: %s", e.getMessage()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    /** Rolls up step after step until the watermark reaches the settled time; answers how many steps ran. */
    public Uni<Integer> catchUp() {
        return step().flatMap(more -> more ? catchUp().map(n -> n + 1) : Uni.createFrom().item(1));
    }

    /** One step in one transaction; true when there is more to roll up. */
    private Uni<Boolean> step() {
        return pool.withTransaction(tx -> tx.preparedQuery("""
                                select case when rolled_up_to = '-infinity'
                                            then coalesce((select min(created_at) from trigger_executions where completed_at is not null)
                                                          - interval '1 microsecond', now() - make_interval(secs => $1))
                                            else rolled_up_to end as from_at,
                                       now() - make_interval(secs => $1) as settled
                                from analytics_watermark for update skip locked""")
                .execute(Tuple.of(config.rollupLag().toMillis() / 1000.0))
                .flatMap(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().item(false); // another replica is rolling up
                    }
                    Row row = rows.iterator().next();
                    OffsetDateTime from = row.getOffsetDateTime("from_at");
                    OffsetDateTime settled = row.getOffsetDateTime("settled");
                    if (!from.isBefore(settled)) {
                        return Uni.createFrom().item(false);
                    }
                    OffsetDateTime step = from.plusDays(config.rollupStepDays());
                    OffsetDateTime upTo = step.isBefore(settled) ? step : settled;
                    return rollUp(tx, from, upTo).replaceWith(upTo.isBefore(settled));
                }));
    }

    private static Uni<Void> rollUp(SqlClient tx, OffsetDateTime from, OffsetDateTime upTo) {
        return tx.preparedQuery(ROLL_UP).execute(Tuple.of(from, upTo))
                .flatMap(ignored -> tx.preparedQuery("update analytics_watermark set rolled_up_to = $1").execute(Tuple.of(upTo)))
                .replaceWithVoid();
    }
}
