package dev.triggerfish.insight;

import dev.triggerfish.template.Secrets;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The spec's "Monitoring & Analytics" queries. Recent executions walk the primary key backwards (ids
 * grow with creation time), the rest read the rollup ({@link RollupKeeper}): none reads more than the
 * rows it answers with, whatever the history holds. {@code days} counts UTC days back from today
 * (null: the whole rollup).
 */
@ApplicationScoped
public class AnalyticsStore {
    /** The rollup rows of the window, by UTC day of the ending. */
    private static final String WINDOW = "($1::int is null or r.day > (now() at time zone 'UTC')::date - $1)";
    private static final String PER_TRIGGER = """
            select r.trigger_id, t.name, sum(r.executions) as executions,
                   coalesce(sum(r.executions) filter (where r.status = 'completed'), 0) as completed,
                   coalesce(sum(r.executions) filter (where r.status = 'failed'), 0) as failed
            from execution_rollup r left join event_triggers t on t.id = r.trigger_id
            where %s
            group by r.trigger_id, t.name""".formatted(WINDOW);

    private final Pool pool;
    private final Secrets secrets;

    public AnalyticsStore(Pool pool, Secrets secrets) {
        this.pool = pool;
        this.secrets = secrets;
    }

    /** Executions created in the last {@code days} days, newest first, with their trigger and entity; {@code beforeId} pages. */
    public Uni<List<Map<String, Object>>> recent(int days, int limit, Long beforeId) {
        return recent(days, limit, beforeId, null);
    }

    /** The same, only those of {@code status} (a wire name) when given: the dashboard's recent failures. */
    public Uni<List<Map<String, Object>>> recent(int days, int limit, Long beforeId, String status) {
        return pool.preparedQuery("""
                        select e.id, e.trigger_id, t.name, e.entity_type, e.entity_id, e.status, e.error, e.created_at, e.started_at,
                               e.completed_at
                        from trigger_executions e left join event_triggers t on t.id = e.trigger_id
                        where e.created_at >= now() - make_interval(days => $1) and ($3::bigint is null or e.id < $3)
                          and ($4::text is null or e.status = $4)
                        order by e.id desc limit $2""")
                .execute(Tuple.of(days, limit, beforeId, status))
                .map(rows -> {
                    List<Map<String, Object>> out = new ArrayList<>();
                    for (Row row : rows) {
                        Map<String, Object> e = new LinkedHashMap<>();
                        e.put("id", row.getLong("id"));
                        e.put("trigger_id", row.getLong("trigger_id"));
                        e.put("trigger_name", row.getString("name"));
                        e.put("entity_type", row.getString("entity_type"));
                        e.put("entity_id", row.getString("entity_id"));
                        e.put("status", row.getString("status"));
                        e.put("error", secrets.redact(row.getString("error"))); // as GET /api/executions/{id} writes it: a step error can hold a rendered URL
                        OffsetDateTime started = row.getOffsetDateTime("started_at");
                        OffsetDateTime completed = row.getOffsetDateTime("completed_at");
                        e.put("created_at", String.valueOf(row.getOffsetDateTime("created_at")));
                        e.put("started_at", started == null ? null : started.toString());
                        e.put("completed_at", completed == null ? null : completed.toString());
                        e.put("duration_ms", started != null && completed != null ? Duration.between(started, completed).toMillis() : null);
                        out.add(e);
                    }
                    return out;
                });
    }

    /** Per trigger: executions ended, completed, failed, and the share completed (percent). */
    public Uni<List<Map<String, Object>>> successRates(Integer days) {
        return pool.preparedQuery(PER_TRIGGER + " order by r.trigger_id").execute(Tuple.of(days))
                .map(rows -> {
                    List<Map<String, Object>> out = new ArrayList<>();
                    rows.forEach(row -> out.add(rates(row)));
                    return out;
                });
    }

    /** Triggers with more than {@code minExecutions} ended and a failed share above {@code minFailureRate} (0 to 1). */
    public Uni<List<Map<String, Object>>> errorProne(Integer days, long minExecutions, double minFailureRate) {
        return pool.preparedQuery("select * from (" + PER_TRIGGER + ") p where executions > $2 and failed::float8 / executions > $3"
                        + " order by failed::float8 / executions desc, trigger_id")
                .execute(Tuple.of(days, minExecutions, minFailureRate))
                .map(rows -> {
                    List<Map<String, Object>> out = new ArrayList<>();
                    rows.forEach(row -> out.add(rates(row)));
                    return out;
                });
    }

    /**
     * Triggers whose average or p95 duration (started to completed) is above {@code thresholdSeconds}:
     * the histogram of each trigger summed over the window, bucket by bucket, in one pass.
     */
    public Uni<List<Map<String, Object>>> slow(Integer days, double thresholdSeconds) {
        return pool.preparedQuery("""
                        select r.trigger_id, t.name, sum(r.timed) as timed, sum(r.duration_ms_sum) / sum(r.timed) as average_ms,
                               %s as buckets
                        from execution_rollup r left join event_triggers t on t.id = r.trigger_id
                        where %s and r.timed > 0
                        group by r.trigger_id, t.name
                        order by r.trigger_id""".formatted(DurationBuckets.sqlSums("r.duration_buckets"), WINDOW))
                .execute(Tuple.of(days))
                .map(rows -> {
                    List<Map<String, Object>> out = new ArrayList<>();
                    for (Row row : rows) {
                        double average = row.getDouble("average_ms") / 1000.0;
                        Double p95 = DurationBuckets.p95Seconds(Arrays.asList(row.getArrayOfLongs("buckets")));
                        if (average <= thresholdSeconds && (p95 == null || p95 <= thresholdSeconds)) {
                            continue;
                        }
                        Map<String, Object> slow = new LinkedHashMap<>();
                        slow.put("trigger_id", row.getLong("trigger_id"));
                        slow.put("name", row.getString("name"));
                        slow.put("executions_timed", row.getLong("timed"));
                        slow.put("average_seconds", Math.round(average * 1000) / 1000.0);
                        if (p95 != null && p95.isInfinite()) {
                            slow.put("p95_seconds_more_than", DurationBuckets.BOUNDS_MS[DurationBuckets.BOUNDS_MS.length - 1] / 1000.0);
                        } else {
                            slow.put("p95_seconds_at_most", p95);
                        }
                        out.add(slow);
                    }
                    return out;
                });
    }

    /** Executions ended per UTC day and final status, oldest day first. */
    public Uni<List<Map<String, Object>>> perDay(Integer days) {
        return pool.preparedQuery("select r.day, r.status, sum(r.executions) as executions from execution_rollup r where " + WINDOW
                        + " group by r.day, r.status order by r.day, r.status")
                .execute(Tuple.of(days))
                .map(rows -> {
                    List<Map<String, Object>> out = new ArrayList<>();
                    for (Row row : rows) {
                        Map<String, Object> day = new LinkedHashMap<>();
                        day.put("day", row.getLocalDate("day").toString());
                        day.put("status", row.getString("status"));
                        day.put("executions", row.getLong("executions"));
                        out.add(day);
                    }
                    return out;
                });
    }

    /** Up to when the rollup has read the endings (null before its first run). */
    public Uni<String> rolledUpTo() {
        return pool.query("select rolled_up_to::text as at from analytics_watermark").execute()
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString("at"))
                .map(at -> "-infinity".equals(at) ? null : at);
    }

    private static Map<String, Object> rates(Row row) {
        Map<String, Object> out = new LinkedHashMap<>();
        long executions = row.getLong("executions");
        long completed = row.getLong("completed");
        out.put("trigger_id", row.getLong("trigger_id"));
        out.put("name", row.getString("name"));
        out.put("executions", executions);
        out.put("completed", completed);
        out.put("failed", row.getLong("failed"));
        out.put("success_rate", executions == 0 ? 0.0 : Math.round(completed * 10000.0 / executions) / 100.0);
        out.put("failure_rate", executions == 0 ? 0.0 : Math.round(row.getLong("failed") * 10000.0 / executions) / 10000.0);
        return out;
    }
}
