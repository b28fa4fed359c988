package dev.triggerfish.dispatch;

import dev.triggerfish.execution.ExecutionStatus;
import dev.triggerfish.execution.NewExecution;
import dev.triggerfish.trigger.TriggerCatalog;
import dev.triggerfish.trigger.TriggerSnapshot;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Applies triggers' rate limits to new executions, exactly across replicas: per trigger, the
 * admission runs under a row lock on its {@code rate_limit_state} in the transaction that inserts the
 * executions, summing the admissions of the window from the trigger's {@code rate_limit_buckets} (a
 * few dozen rows at most, whatever the history holds). Executions over the limit are kept, as
 * {@code rate_limited} with the window they hit, or deferred to the next free slot.
 */
@ApplicationScoped
public class RateLimiter {
    private final TriggerCatalog catalog;

    public RateLimiter(TriggerCatalog catalog) {
        this.catalog = catalog;
    }

    /** Whether a limit applies to one of {@code created}: then {@link #apply} must run, in the transaction that inserts them. */
    public boolean limits(List<NewExecution> created) {
        for (NewExecution e : created) {
            TriggerSnapshot trigger = catalog.get(e.triggerId());
            if (e.status() != ExecutionStatus.SKIPPED && trigger != null && RateLimit.of(trigger.rateLimiting()) != null) {
                return true;
            }
        }
        return false;
    }

    /** {@code created} with every execution of a rate-limited trigger admitted, rejected or deferred. */
    public Uni<List<NewExecution>> apply(SqlClient tx, List<NewExecution> created) {
        // by trigger id: two transactions lock the triggers they share in the same order, never crosswise
        Map<Long, List<NewExecution>> limited = new TreeMap<>();
        List<NewExecution> out = new ArrayList<>();
        for (NewExecution e : created) {
            TriggerSnapshot trigger = catalog.get(e.triggerId());
            RateLimit limit = trigger == null ? null : RateLimit.of(trigger.rateLimiting());
            if (limit == null || e.status() == ExecutionStatus.SKIPPED) {
                out.add(e);
            } else {
                limited.computeIfAbsent(e.triggerId(), id -> new ArrayList<>()).add(e);
            }
        }
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Map.Entry<Long, List<NewExecution>> entry : limited.entrySet()) {
            RateLimit limit = RateLimit.of(catalog.get(entry.getKey()).rateLimiting());
            chain = chain.flatMap(ignored -> admit(tx, entry.getKey(), limit, entry.getValue()).invoke(out::addAll).replaceWithVoid());
        }
        return chain.replaceWith(out);
    }

    /**
     * Admits {@code candidates} of one trigger in three short statements, each by primary key: (1) the
     * row lock, which also reads the burst bucket (its latest version, once the lock is ours); (2) the
     * window's count from {@code rate_limit_buckets}, deleting the buckets older than one period, in a
     * statement of its own so that its snapshot is taken after the lock was granted and sees every
     * admission committed before (read committed: a statement that waited for a lock still reads the
     * other tables as they were when it started, so counting in (1) could over-admit); (3) the burst
     * tokens left. The buckets themselves are kept by the database triggers of V8 as the executions are
     * inserted, later in this transaction, still under the lock, rather than by this class: so manual
     * runs and replays, which do not pass through here, fill the window as they did when it was counted
     * from the history, and an execution that {@code ON CONFLICT DO NOTHING} dropped counts nothing.
     * {@code bucket_end > $2} is {@link RateLimit#counts}, {@code bucket_end <= $3} {@link RateLimit#expiredUpTo}.
     */
    private Uni<List<NewExecution>> admit(SqlClient tx, long triggerId, RateLimit limit, List<NewExecution> candidates) {
        return tx.preparedQuery("""
                        insert into rate_limit_state as s (trigger_id, tokens, refreshed_at) values ($1, $2, now())
                        on conflict (trigger_id) do update set trigger_id = excluded.trigger_id
                        returning s.tokens, s.refreshed_at, now() as now""")
                .execute(Tuple.of(triggerId, (double) (limit.burst() == null ? limit.limit() : limit.burst())))
                .flatMap(state -> {
                    Row lock = state.iterator().next();
                    Instant now = lock.getOffsetDateTime("now").toInstant();
                    double tokens = limit.refill(lock.getDouble("tokens"), lock.getOffsetDateTime("refreshed_at").toInstant(), now);
                    return tx.preparedQuery("""
                                    with expired as (delete from rate_limit_buckets where trigger_id = $1 and bucket_end <= $3)
                                    select coalesce(sum(admitted), 0) as used, min(bucket_end) as oldest from rate_limit_buckets
                                    where trigger_id = $1 and bucket_end > $2 and admitted > 0""")
                            .execute(Tuple.of(triggerId, utc(limit.windowStart(now)), utc(limit.expiredUpTo(now))))
                            .map(counted -> decide(limit, candidates, now, tokens, counted.iterator().next()));
                })
                .flatMap(decision -> tx.preparedQuery("update rate_limit_state set tokens = $2, refreshed_at = $3 where trigger_id = $1")
                        .execute(Tuple.of(triggerId, decision.tokens(), utc(decision.now())))
                        .replaceWith(decision.executions()));
    }

    private record Decision(List<NewExecution> executions, double tokens, Instant now) {
    }

    private static OffsetDateTime utc(Instant at) {
        return OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
    }

    private static Decision decide(RateLimit limit, List<NewExecution> candidates, Instant now, double tokens, Row row) {
        long used = row.getLong("used");
        Instant oldest = row.getOffsetDateTime("oldest") == null ? null : row.getOffsetDateTime("oldest").toInstant();
        List<NewExecution> decided = new ArrayList<>();
        for (NewExecution e : candidates) {
            if (used < limit.limit() && tokens >= 1) {
                used++;
                tokens -= 1;
                decided.add(e);
            } else if (limit.defer()) {
                OffsetDateTime at = OffsetDateTime.ofInstant(limit.nextSlot(now, oldest), ZoneOffset.UTC);
                decided.add(new NewExecution(e.triggerId(), e.triggerVersion(), e.eventId(), e.entityType(), e.entityId(),
                        ExecutionStatus.SCHEDULED, at, null, limit.describe(now)));
            } else {
                decided.add(new NewExecution(e.triggerId(), e.triggerVersion(), e.eventId(), e.entityType(), e.entityId(),
                        ExecutionStatus.RATE_LIMITED, OffsetDateTime.ofInstant(now, ZoneOffset.UTC),
                        "rate limit reached: " + limit.describe(now), limit.describe(now)));
            }
        }
        return new Decision(decided, tokens, now);
    }
}
