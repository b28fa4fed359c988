package dev.triggerfish.insight;

import dev.triggerfish.event.EventStatus;
import dev.triggerfish.event.IntakeGate;
import dev.triggerfish.execution.ExecutionStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The backlog as gauges, cluster-wide (every replica reports the same figures): its size as intake
 * measures it each second ({@link IntakeGate}), and its lag, the age of the oldest event waiting to be
 * matched and of the oldest execution due and not started (0 when there is none). Both ages are one
 * index lookup each ({@code events_new}, {@code execution_queue_due}).
 */
@ApplicationScoped
public class BacklogGauges {
    static final String AGES = """
            select coalesce(extract(epoch from now() - (select created_at from events where status = %s order by id limit 1)), 0)
                       as event_age,
                   coalesce(extract(epoch from now() - (%s)), 0) as execution_age"""
            .formatted(EventStatus.NEW.sqlLiteral(), ExecutionStore.OLDEST_DUE_AT);

    private final Pool pool;
    private volatile double oldestEventSeconds;
    private volatile double oldestExecutionSeconds;

    public BacklogGauges(Pool pool, IntakeGate gate, MeterRegistry meters) {
        this.pool = pool;
        Gauge.builder("triggerfish.backlog.events", gate, IntakeGate::waitingEvents)
                .description("events stored and not yet matched (cluster-wide)").register(meters);
        Gauge.builder("triggerfish.backlog.executions", gate, IntakeGate::dueExecutions)
                .description("executions due and not started: pending, scheduled and retrying whose time came (cluster-wide)").register(meters);
        Gauge.builder("triggerfish.backlog.oldest.event.age", this, g -> g.oldestEventSeconds).baseUnit("seconds")
                .description("age of the oldest event waiting to be matched; 0 when none waits").register(meters);
        Gauge.builder("triggerfish.backlog.oldest.execution.age", this, g -> g.oldestExecutionSeconds).baseUnit("seconds")
                .description("how long the oldest due execution has been due; 0 when none is").register(meters);
    }

    @Scheduled(every = "5s", delayed = "1s")
    Uni<Void> measure() {
        return pool.query(AGES).execute()
                .invoke(rows -> {
                    Row row = rows.iterator().next();
                    oldestEventSeconds = row.getNumeric("event_age").doubleValue();
                    oldestExecutionSeconds = row.getNumeric("execution_age").doubleValue();
                })
                .replaceWithVoid()
                // the database is away: keep the last figures (readiness says the rest)
                .onFailure().recoverWithNull();
    }
}
