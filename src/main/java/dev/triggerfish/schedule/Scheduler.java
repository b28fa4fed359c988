package dev.triggerfish.schedule;

import dev.triggerfish.api.DatabaseUnavailable;
import dev.triggerfish.support.ReplicaId;
import dev.triggerfish.trigger.Schedule;
import dev.triggerfish.trigger.TriggerCatalog;
import dev.triggerfish.trigger.TriggerSnapshot;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * Starts time_based triggers. Every tick, this replica plans the slots that came due (every replica
 * plans the same rows: the slots' unique key keeps one), then claims due slots one at a time and runs
 * each to its end, page by page. The database's {@code now()} is the clock in production; a test
 * drives {@link #tick(Instant, Collection)} with an instant of its own.
 */
@ApplicationScoped
public class Scheduler {
    private static final Logger LOG = Logger.getLogger(Scheduler.class);

    private final SlotStore slots;
    private final SlotScan scan;
    private final TriggerCatalog catalog;
    private final Pool pool;
    private final ScheduleConfig config;
    private final String owner;
    private final SlotMetrics metrics;

    public Scheduler(SlotStore slots, SlotScan scan, TriggerCatalog catalog, Pool pool, ScheduleConfig config, ReplicaId replica,
                     SlotMetrics metrics) {
        this.metrics = metrics;
        this.slots = slots;
        this.scan = scan;
        this.catalog = catalog;
        this.pool = pool;
        this.config = config;
        this.owner = replica.id();
    }

    @Scheduled(every = "${triggerfish.schedule.tick}", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        if (!config.enabled()) {
            return Uni.createFrom().voidItem();
        }
        return pool.query("select now() as now").execute()
                .map(rows -> rows.iterator().next().getOffsetDateTime("now").toInstant())
                .flatMap(now -> tick(now, null))
                .onFailure().invoke(e -> {
                    if (!DatabaseUnavailable.is(e)) {
                        LOG.warn("schedule tick failed", e);
                    }
                })
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    /**
     * Plans the slots due by {@code now} and runs every due slot to its end, as this replica.
     *
     * @param only the triggers to look at, or null for every one
     * @return how many slots this call ran
     */
    public Uni<Integer> tick(Instant now, Collection<Long> only) {
        return tick(owner, now, only);
    }

    /** As {@link #tick(Instant, Collection)}, as the replica {@code owner}. */
    public Uni<Integer> tick(String owner, Instant now, Collection<Long> only) {
        Long[] ids = only == null ? null : only.toArray(Long[]::new);
        return plan(now, ids).flatMap(ignored -> runDue(owner, now, ids));
    }

    /** Records the slots of every active time_based trigger due since the last planned, as its catch_up says. */
    Uni<Integer> plan(Instant now, Long[] only) {
        return slots.plannable(only)
                .flatMap(triggers -> Multi.createFrom().iterable(triggers)
                        .onItem().transformToUniAndConcatenate(t -> planOne(t, now))
                        .collect().with(java.util.stream.Collectors.summingInt(Integer::intValue)));
    }

    private Uni<Integer> planOne(SlotStore.Plannable trigger, Instant now) {
        List<SlotPlan.Planned> planned;
        try {
            Instant after = trigger.lastPlanned() != null ? trigger.lastPlanned() : trigger.createdAt();
            planned = SlotPlan.plan(Schedule.of(trigger.schedule(), trigger.timezone()), trigger.catchUp(), after, now,
                    config.misfireGrace(), config.maxSlots());
        } catch (RuntimeException e) {
            LOG.warnf("trigger %d: its schedule cannot be planned: %s", trigger.id(), e.getMessage());
            return Uni.createFrom().item(0);
        }
        return slots.insert(trigger.id(), trigger.version(), "schedule", planned);
    }

    /** Claims and runs due slots one after the other until none is left; answers how many ran. */
    Uni<Integer> runDue(String owner, Instant now, Long[] only) {
        return catalog.ensureLoaded()
                .flatMap(ignored -> Multi.createBy().repeating()
                        .uni(() -> slots.claim(owner, config.lease(), now, only)
                                .flatMap(slot -> slot == null ? Uni.createFrom().item(Boolean.FALSE)
                                        : run(owner, slot).invoke(() -> ran(slot, now)).replaceWith(Boolean.TRUE)))
                        .until(ran -> !ran)
                        .filter(Boolean::booleanValue)
                        .collect().with(java.util.stream.Collectors.counting())
                        .map(Long::intValue));
    }

    /** Counts a slot run: late when it started more than the misfire grace after its time. */
    private void ran(ClaimedSlot slot, Instant now) {
        java.time.Duration lateness = java.time.Duration.between(slot.slotAt(), now);
        metrics.ran(lateness, config.misfireGrace());
    }

    /** Runs a claimed slot from its checkpoint to the end and records how it ended. */
    public Uni<Void> run(String owner, ClaimedSlot claimed) {
        TriggerSnapshot known = catalog.get(claimed.triggerId());
        // a trigger changed on another replica a moment ago may not have reached this one's catalog yet: ask again before skipping
        return (known != null && known.active() ? Uni.createFrom().voidItem() : catalog.reload())
                .flatMap(ignored -> runKnown(owner, claimed, catalog.get(claimed.triggerId())));
    }

    private Uni<Void> runKnown(String owner, ClaimedSlot claimed, TriggerSnapshot trigger) {
        if (trigger == null || !trigger.active()) {
            metrics.skipped();
            return slots.finish(owner, claimed.id(), SlotStatus.SKIPPED, trigger == null ? "the trigger was deleted before the slot ran"
                    : "the trigger was deactivated before the slot ran").replaceWithVoid();
        }
        return scan.scan(owner, claimed, trigger, Integer.MAX_VALUE)
                .flatMap(ignored -> slots.finish(owner, claimed.id(), SlotStatus.COMPLETED, null))
                .replaceWithVoid()
                .onFailure(e -> e instanceof LostSlot).recoverWithNull()
                .onFailure(e -> !DatabaseUnavailable.is(e)).recoverWithUni(e -> {
                    LOG.warnf(e, "slot %d of trigger %d failed", claimed.id(), claimed.triggerId());
                    return slots.finish(owner, claimed.id(), SlotStatus.FAILED, "failed: " + e.getMessage()).replaceWithVoid();
                });
    }
}
