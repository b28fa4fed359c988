package dev.triggerfish.execution;

import dev.triggerfish.support.ReplicaId;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Renews the claims of the executions running here, so a lease can stay short (a dead replica's work
 * is taken over within seconds) while a long step runs on. Only the claims not extended for a
 * heartbeat interval are renewed: most executions checkpoint sooner than that, and a checkpoint
 * extends the claim too.
 */
@ApplicationScoped
public class ClaimHeartbeat {
    /** Extends the claims of the executions given. */
    interface Renewal {
        Uni<?> renew(List<Long> executions);
    }

    private final Renewal renewal;
    private final Duration interval;
    /** The executions running here, with when their claim was last extended (claim, checkpoint or heartbeat), in nanos. */
    private final Map<Long, Long> extendedAt = new ConcurrentHashMap<>();

    @Inject
    public ClaimHeartbeat(ExecutionStore executions, RunnerConfig config, ReplicaId replica) {
        this(ids -> executions.renew(replica.id(), ids, config.lease()), config.heartbeat());
    }

    ClaimHeartbeat(Renewal renewal, Duration interval) {
        this.renewal = renewal;
        this.interval = interval;
    }

    /** The execution was claimed just now and runs here. */
    void claimed(long execution, long now) {
        extendedAt.put(execution, now);
    }

    /** A checkpoint extended the claim. */
    void extended(long execution, long now) {
        extendedAt.replace(execution, now);
    }

    /** The execution no longer runs here. */
    void ended(long execution) {
        extendedAt.remove(execution);
    }

    @Scheduled(every = "${triggerfish.runner.heartbeat}", delayed = "5s")
    Uni<Void> beat() {
        return beat(System.nanoTime());
    }

    Uni<Void> beat(long now) {
        List<Long> stale = due(now);
        if (stale.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return renewal.renew(stale).replaceWithVoid();
    }

    /** The claims not extended for an interval at {@code now}, counted as extended from then on. */
    private List<Long> due(long now) {
        long due = now - interval.toNanos();
        List<Long> stale = extendedAt.entrySet().stream().filter(e -> e.getValue() - due <= 0).map(Map.Entry::getKey).toList();
        stale.forEach(id -> extendedAt.replace(id, now));
        return stale;
    }
}
