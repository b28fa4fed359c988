package dev.triggerfish.execution;

import dev.triggerfish.crm.RecordStore;
import dev.triggerfish.support.LogIds;
import dev.triggerfish.support.Notifications;
import dev.triggerfish.support.ReplicaId;
import dev.triggerfish.support.WorkLoop;
import dev.triggerfish.trigger.TriggerCatalog;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;

/**
 * Runs executions: claims due ones in batches, as far as this replica's {@link RunnerRoom} goes (when
 * it is full, in turn with intake's waiting requests: {@link ClaimPacing}), and runs each one ({@link ExecutionRun}) while
 * the {@link ClaimHeartbeat} keeps its claim. At most
 * {@code triggerfish.runner.concurrency} executions run at once on this replica.
 */
@ApplicationScoped
public class Runner {
    private static final Logger LOG = Logger.getLogger(Runner.class);
    /** How long a claim waits for its turn in a busy room before it takes what is free (maybe nothing; the next wake-up tries again). */
    private static final Duration CLAIM_WAIT = Duration.ofSeconds(1);

    private final ExecutionStore executions;
    private final RecordStore records;
    private final TriggerCatalog catalog;
    private final Notifications notifications;
    private final Pool pool;
    private final RunnerConfig config;
    private final RunnerRoom room;
    private final ClaimHeartbeat heartbeat;
    private final ExecutionRun run;
    private final String owner;
    private final WorkLoop loop;
    private final ClaimPacing pacing;

    public Runner(ExecutionStore executions, RecordStore records, TriggerCatalog catalog, Notifications notifications, Pool pool,
                  RunnerConfig config, RunnerRoom room, ClaimHeartbeat heartbeat, ExecutionRun run, ReplicaId replica) {
        this.executions = executions;
        this.records = records;
        this.catalog = catalog;
        this.notifications = notifications;
        this.pool = pool;
        this.config = config;
        this.room = room;
        this.heartbeat = heartbeat;
        this.run = run;
        this.owner = replica.id();
        this.pacing = new ClaimPacing(room, config.batchSize(), config.concurrency(), CLAIM_WAIT);
        this.loop = new WorkLoop("runner", this::claimBatch, config.batchSize());
        room.whenFreed(this::slotFreed);
    }

    void start(@Observes StartupEvent event) {
        if (config.enabled()) {
            notifications.listen(ExecutionStore.CHANNEL, this::wake);
        }
    }

    /**
     * Graceful shutdown: stop claiming, let running executions finish within
     * {@code triggerfish.runner.shutdown-grace}, then give back what is still held so that another
     * replica takes it over at once instead of after the lease. Runs on the shutdown thread, which may
     * block (never an event loop).
     */
    void stop(@Observes ShutdownEvent event) {
        loop.stop();
        room.close();
        try {
            if (!room.awaitDrained(config.shutdownGrace())) {
                LOG.warnf("%d executions still running at the shutdown deadline; releasing them", room.inUse());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            int released = executions.release(owner).await().atMost(Duration.ofSeconds(5));
            if (released > 0) {
                LOG.infof("released %d executions to the other replicas", released);
            }
        } catch (RuntimeException e) {
            LOG.warn("could not release claimed executions; their leases expire instead", e);
        }
    }

    @Scheduled(every = "${triggerfish.runner.poll-interval}", delayed = "1s")
    void poll() {
        wake();
    }

    /** Wakes the runner now (work was just created on this replica). */
    public void wake() {
        if (config.enabled()) {
            pacing.signal();
            loop.wake();
        }
    }

    private void slotFreed() {
        if (pacing.mayWait()) {
            loop.wake();
        }
    }

    /** Intake's wait for runner room: see {@link RunnerRoom#awaitRoom}. */
    public Uni<Integer> awaitRoom(int slots, Duration max) {
        return room.awaitRoom(slots, max);
    }

    /** See {@link RunnerRoom#reserve}. */
    public int reserve(int wanted) {
        return room.reserve(wanted);
    }

    /** See {@link RunnerRoom#release}. */
    public void release(int slots) {
        room.release(slots);
    }

    /** Runs executions already claimed for this replica, in slots reserved with {@link #reserve}. */
    public void runClaimed(List<ClaimedExecution> claimed) {
        claimed.forEach(this::runInSlot);
    }

    /** Claims what {@link ClaimPacing} allows and runs it in the slots reserved for it. */
    private Uni<Integer> claimBatch() {
        return pacing.next(executions::anyClaimable,
                        slots -> catalog.ensureLoaded().flatMap(ignored -> executions.claim(owner, slots, config.lease())))
                .flatMap(this::withRecords)
                .invoke(claimed -> claimed.forEach(this::runInSlot))
                .map(List::size);
    }

    /**
     * The claimed executions whose event no longer holds the record's current state (as the claim
     * found), with the record read from the store: one query for the batch instead of one per
     * execution. Should that query fail, each execution reads its record itself.
     */
    private Uni<List<ClaimedExecution>> withRecords(List<ClaimedExecution> claimed) {
        List<String[]> keys = claimed.stream().filter(Runner::readsStore)
                .map(e -> new String[] {e.entityType(), e.entityId()}).distinct().toList();
        if (keys.isEmpty()) {
            return Uni.createFrom().item(claimed);
        }
        return records.findAll(pool, keys)
                .map(found -> claimed.stream()
                        .map(e -> readsStore(e) ? e.withRecord(found.get(RecordStore.key(e.entityType(), e.entityId()))) : e)
                        .toList())
                .onFailure().recoverWithItem(claimed);
    }

    private static boolean readsStore(ClaimedExecution execution) {
        return execution.entityId() != null && !execution.fresh();
    }

    private void runInSlot(ClaimedExecution execution) {
        heartbeat.claimed(execution.id(), System.nanoTime());
        run.run(execution)
                .onTermination().invoke(() -> {
                    heartbeat.ended(execution.id());
                    room.release(1);
                })
                .subscribe().with(ignored -> { }, failure -> stopped(execution, failure));
    }

    private static void stopped(ClaimedExecution execution, Throwable failure) {
        if (failure instanceof LostClaim) {
            LOG.debugf("execution %d: %s", execution.id(), failure.getMessage());
            return;
        }
        // one line at WARN (the trace at DEBUG); secrets are redacted by the log filter (SecretLogFilter)
        LogIds.with(execution.id(), execution.triggerId(), execution.eventId(),
                () -> LOG.warnf("execution %d stopped; its claim expires and it is run again: %s", execution.id(), failure));
        LOG.debugf(failure, "execution %d stopped", execution.id());
    }
}
