package dev.triggerfish.event;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Overload protection at intake: the backlog (events not yet dispatched and executions due but not
 * started, cluster-wide) is measured every second; past {@code triggerfish.intake.max-backlog}, new
 * events are refused with 503 and {@code Retry-After} instead of piling up until memory or disk runs out.
 */
@ApplicationScoped
public class IntakeGate {
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(IntakeGate.class);
    private final Pool pool;
    private final long maxBacklog;
    private final int retryAfterSeconds;
    private volatile long backlog;

    public IntakeGate(Pool pool, IntakeConfig config) {
        this.pool = pool;
        this.maxBacklog = config.maxBacklog();
        this.retryAfterSeconds = config.retryAfter();
    }

    @Scheduled(every = "1s", delayed = "1s")
    Uni<Void> measure() {
        return pool.query("""
                        select (select count(*) from events where status = 'new')
                             + (select count(*) from trigger_executions
                                where status in ('pending', 'retrying') and next_attempt_at <= now()) as backlog""")
                .execute()
                .invoke(rows -> backlog = rows.iterator().next().getLong("backlog"))
                .replaceWithVoid()
                // the database is away (intake answers 503 meanwhile): keep the last figure, measure again next second
                .onFailure().invoke(e -> LOG.debugf("backlog not measured: %s", e.getMessage()))
                .onFailure().recoverWithNull();
    }

    /** Whether new events must wait: the backlog passed its bound. */
    public boolean overloaded() {
        return backlog > maxBacklog;
    }

    public long backlog() {
        return backlog;
    }

    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
