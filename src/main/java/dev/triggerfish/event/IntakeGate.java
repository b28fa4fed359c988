package dev.triggerfish.event;

import dev.triggerfish.support.MeasurePacing;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;

/**
 * Overload protection at intake: the backlog (new events, and executions due but not started as the
 * runner claims them, counted by {@link DueExecutions}; cluster-wide) is measured every second, less
 * often when counting it takes long (a large backlog: see {@link MeasurePacing}); past
 * {@code triggerfish.intake.max-backlog}, new events are refused with 503 and {@code Retry-After}
 * instead of piling up until memory or disk runs out.
 */
@ApplicationScoped
public class IntakeGate {
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(IntakeGate.class);
    /** New events, counted through their partial index ({@code events_new}), whose predicate the status must match as a constant. */
    private static final String NEW_EVENTS = "select count(*) as n from events where status = " + EventStatus.NEW.sqlLiteral();
    private final Pool pool;
    private final DueExecutions due;
    private final long maxBacklog;
    private final int retryAfterSeconds;
    private volatile long backlog;
    private volatile long waitingEvents;
    private volatile long dueExecutions;
    /**
     * At each tick (every second) while the counts are quick; a count taking more than 50 ms (a large
     * backlog) runs at most 5 % of the time, and at least every 5 s. The half-second minimum leaves room
     * for a tick's jitter.
     */
    private final MeasurePacing pacing = new MeasurePacing(Duration.ofMillis(500).toNanos(), Duration.ofSeconds(5).toNanos(), 20,
            System.nanoTime());

    public IntakeGate(Pool pool, DueExecutions due, IntakeConfig config) {
        this.pool = pool;
        this.due = due;
        this.maxBacklog = config.maxBacklog();
        this.retryAfterSeconds = config.retryAfter();
    }

    @Scheduled(every = "1s", delayed = "1s")
    Uni<Void> measure() {
        long startedAt = System.nanoTime();
        if (!pacing.start(startedAt)) {
            return Uni.createFrom().voidItem();
        }
        Uni<Long> events = pool.query(NEW_EVENTS).execute().map(rows -> rows.iterator().next().getLong("n"));
        return Uni.combine().all().unis(events, due.countDue())
                .with((newEvents, dueNow) -> {
                    waitingEvents = newEvents;
                    dueExecutions = dueNow;
                    return newEvents + dueNow;
                })
                .invoke(n -> {
                    backlog = n;
                    pacing.measured(startedAt, System.nanoTime());
                })
                .replaceWithVoid()
                // the database is away (intake answers 503 meanwhile): keep the last figure, measure again next second
                .onFailure().invoke(e -> {
                    pacing.failed();
                    LOG.debugf("backlog not measured: %s", e.getMessage());
                })
                .onFailure().recoverWithNull()
                .onCancellation().invoke(pacing::failed);
    }

    /** Whether new events must wait: the backlog passed its bound. */
    public boolean overloaded() {
        return backlog > maxBacklog;
    }

    public long backlog() {
        return backlog;
    }

    /** The new events of the last measure (cluster-wide). */
    public long waitingEvents() {
        return waitingEvents;
    }

    /** The executions due and not claimed of the last measure (cluster-wide). */
    public long dueExecutions() {
        return dueExecutions;
    }

    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
