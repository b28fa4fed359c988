package dev.triggerfish.retention;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.function.Supplier;

/**
 * Keeps the history within {@code triggerfish.retention.max-age}: every interval, each replica removes
 * old executions, then old events, in batches until a batch comes back short (nothing older is left) or
 * {@code max-batches} were removed (the rest waits for the next sweep). Batched deletes rather than
 * time-partitioned tables: the tables keep their plain shape (ids, unique keys and partial indexes
 * across all of history), and bench/retention measures that the pipeline keeps its rate while a sweep
 * removes a large backlog.
 */
@ApplicationScoped
public class RetentionSweep {
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(RetentionSweep.class);
    private final HistoryRetention history;
    private final RetentionConfig config;
    private final Counter executionsRemoved;
    private final Counter eventsRemoved;

    public RetentionSweep(HistoryRetention history, RetentionConfig config, MeterRegistry meters) {
        this.history = history;
        this.config = config;
        this.executionsRemoved = Counter.builder("triggerfish.retention.removed").tag("table", "trigger_executions")
                .description("History rows removed by retention (executions with their steps; events)").register(meters);
        this.eventsRemoved = Counter.builder("triggerfish.retention.removed").tag("table", "events")
                .description("History rows removed by retention (executions with their steps; events)").register(meters);
    }

    @Scheduled(every = "${triggerfish.retention.interval}", delayed = "30s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        if (!config.enabled()) {
            return Uni.createFrom().voidItem();
        }
        return sweep().replaceWithVoid()
                // the database is away: the history waits for the next sweep
                .onFailure().invoke(e -> LOG.debugf("retention sweep not done: %s", e.getMessage()))
                .onFailure().recoverWithNull();
    }

    /** One sweep: what it removed. */
    public Uni<Removed> sweep() {
        return drain(() -> history.removeExecutions(config.maxAge(), config.batchSize()), 0, 0)
                .invoke(n -> executionsRemoved.increment(n))
                .flatMap(executions -> drain(() -> history.removeEvents(config.maxAge(), config.batchSize()), 0, 0)
                        .invoke(n -> eventsRemoved.increment(n))
                        .map(events -> new Removed(executions, events)))
                .invoke(removed -> {
                    if (removed.executions() + removed.events() > 0) {
                        LOG.infof("retention removed %d executions and %d events older than %s",
                                removed.executions(), removed.events(), config.maxAge());
                    }
                });
    }

    private Uni<Long> drain(Supplier<Uni<Integer>> batch, long removed, int batches) {
        return batch.get().flatMap(n -> n < config.batchSize() || batches + 1 >= config.maxBatches()
                ? Uni.createFrom().item(removed + n)
                : drain(batch, removed + n, batches + 1));
    }

    /** Rows one sweep removed. */
    public record Removed(long executions, long events) {
    }
}
