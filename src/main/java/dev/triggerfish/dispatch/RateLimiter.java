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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies triggers' rate limits to new executions, exactly across replicas: per trigger, the
 * admission runs under a row lock on its {@code rate_limit_state} in the transaction that inserts the
 * executions, counting the executions already admitted in the window. Executions over the limit are
 * kept, as {@code rate_limited} with the window they hit, or deferred to the next free slot.
 */
@ApplicationScoped
public class RateLimiter {
    private final TriggerCatalog catalog;

    public RateLimiter(TriggerCatalog catalog) {
        this.catalog = catalog;
    }

    /** {@code created} with every execution of a rate-limited trigger admitted, rejected or deferred. */
    public Uni<List<NewExecution>> apply(SqlClient tx, List<NewExecution> created) {
        Map<Long, List<NewExecution>> limited = new LinkedHashMap<>();
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

    private Uni<List<NewExecution>> admit(SqlClient tx, long triggerId, RateLimit limit, List<NewExecution> candidates) {
        return tx.preparedQuery("""
                        insert into rate_limit_state (trigger_id, tokens, refreshed_at) values ($1, $2, now())
                        on conflict (trigger_id) do nothing""")
                .execute(Tuple.of(triggerId, (double) (limit.burst() == null ? limit.limit() : limit.burst())))
                .flatMap(ignored -> tx.preparedQuery("""
                                select s.tokens, s.refreshed_at, now() as now,
                                       (select count(*) from trigger_executions t where t.trigger_id = s.trigger_id
                                          and t.created_at >= $2 and t.status not in ('rate_limited', 'skipped', 'cancelled')) as used,
                                       (select min(created_at) from trigger_executions t where t.trigger_id = s.trigger_id
                                          and t.created_at >= $2 and t.status not in ('rate_limited', 'skipped', 'cancelled')) as oldest
                                from rate_limit_state s where s.trigger_id = $1 for update""")
                        .execute(Tuple.of(triggerId, OffsetDateTime.ofInstant(limit.windowStart(Instant.now()), ZoneOffset.UTC))))
                .flatMap(rows -> {
                    Row row = rows.iterator().next();
                    Instant now = row.getOffsetDateTime("now").toInstant();
                    double tokens = limit.refill(row.getDouble("tokens"), row.getOffsetDateTime("refreshed_at").toInstant(), now);
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
                    return tx.preparedQuery("update rate_limit_state set tokens = $2, refreshed_at = $3 where trigger_id = $1")
                            .execute(Tuple.of(triggerId, tokens, OffsetDateTime.ofInstant(now, ZoneOffset.UTC)))
                            .replaceWith(decided);
                });
    }
}
