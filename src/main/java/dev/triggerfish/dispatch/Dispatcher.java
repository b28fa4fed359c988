package dev.triggerfish.dispatch;

import dev.triggerfish.api.DatabaseUnavailable;
import io.smallrye.mutiny.Multi;
import dev.triggerfish.crm.RecordRelations;
import dev.triggerfish.support.EntityType;
import dev.triggerfish.event.EventStore;
import dev.triggerfish.event.InlineDispatch;
import dev.triggerfish.execution.ClaimedExecution;
import dev.triggerfish.support.LogIds;
import dev.triggerfish.support.Notifications;
import dev.triggerfish.support.ReplicaId;
import dev.triggerfish.event.StoredEvent;
import dev.triggerfish.support.WorkLoop;
import dev.triggerfish.execution.ExecutionStatus;
import dev.triggerfish.execution.ExecutionStore;
import dev.triggerfish.execution.NewExecution;
import dev.triggerfish.execution.Runner;
import dev.triggerfish.condition.RelationResolver;
import dev.triggerfish.trigger.CompiledTrigger;
import dev.triggerfish.trigger.TriggerCatalog;
import dev.triggerfish.trigger.TriggerIndex;
import dev.triggerfish.trigger.TriggerSnapshot;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Matches new events to triggers: claims events in batches, finds the triggers each one fires
 * through the {@link TriggerIndex} (conditions on the old and new state, relations loaded in one query
 * per batch), and creates one execution per (trigger, event), pending or scheduled after
 * {@code delay_minutes}, in the same transaction that marks the events dispatched.
 */
@ApplicationScoped
public class Dispatcher implements InlineDispatch {
    private final EventStore events;
    private final ExecutionStore executions;
    private final TriggerCatalog catalog;
    private final RecordRelations relations;
    private final Notifications notifications;
    private final Runner runner;
    private final Pool pool;
    private final DispatchConfig config;
    private final String owner;
    private final WorkLoop loop;
    private final java.time.Duration runnerLease;
    private final RateLimiter rateLimiter;
    private final DispatchMetrics metrics;
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(Dispatcher.class);

    public Dispatcher(EventStore events, ExecutionStore executions, TriggerCatalog catalog, RecordRelations relations,
                      Notifications notifications, Runner runner, Pool pool, DispatchConfig config, ReplicaId replica,
                      dev.triggerfish.execution.RunnerConfig runnerConfig, RateLimiter rateLimiter, DispatchMetrics metrics) {
        this.rateLimiter = rateLimiter;
        this.metrics = metrics;
        this.runnerLease = runnerConfig.lease();
        this.events = events;
        this.executions = executions;
        this.catalog = catalog;
        this.relations = relations;
        this.notifications = notifications;
        this.runner = runner;
        this.pool = pool;
        this.config = config;
        this.owner = replica.id();
        this.loop = new WorkLoop("dispatcher", this::dispatchBatch, config.batchSize());
    }

    void start(@Observes StartupEvent event) {
        if (config.enabled()) {
            notifications.listen(EventStore.CHANNEL, loop::wake);
        }
    }

    /** Stops claiming and gives back claimed events (on the shutdown thread, which may block). */
    void stop(@Observes ShutdownEvent event) {
        loop.stop();
        try {
            events.release(owner).await().atMost(java.time.Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            LOG.warn("could not release claimed events; their leases expire instead", e);
        }
    }

    @Scheduled(every = "${triggerfish.dispatch.poll-interval}", delayed = "1s")
    void poll() {
        wake();
    }

    /** Wakes the dispatcher now (events were just stored on this replica). */
    public void wake() {
        if (config.enabled()) {
            loop.wake();
        }
    }

    /**
     * The fast path: events accepted by this replica are matched in the transaction that stores them;
     * their executions start here at once after the commit when the runner has room (inserted as
     * claimed by this replica), else they wait as pending for any replica. The rows stay the truth.
     */
    @Override
    public boolean enabled() {
        return config.enabled();
    }

    @Override
    public Uni<Integer> awaitRoom(int events, java.time.Duration max) {
        return runner.awaitRoom(events, max);
    }

    @Override
    public void release(int slots) {
        if (slots > 0) {
            runner.release(slots);
        }
    }

    @Override
    public Uni<AfterCommit> dispatch(SqlClient tx, List<StoredEvent> batch, int reserved) {
        java.util.concurrent.atomic.AtomicBoolean accounted = new java.util.concurrent.atomic.AtomicBoolean();
        return catalog.ensureLoaded()
                .flatMap(ignored -> resolver(batch))
                .flatMap(resolver -> {
                    List<NewExecution> matched = new ArrayList<>();
                    for (StoredEvent event : batch) {
                        match(event, resolver, matched);
                    }
                    return rateLimiter.apply(tx, matched);
                })
                .flatMap(created -> {
                    List<NewExecution> due = created.stream().filter(e -> e.status() == ExecutionStatus.PENDING).toList();
                    int slots = Math.min(reserved, due.size()) + (due.size() > reserved ? runner.reserve(due.size() - reserved) : 0);
                    accounted.set(true); // from here on, the slots in use are released on failure below, the rest now
                    release(reserved - Math.min(reserved, due.size()));
                    List<NewExecution> runNow = due.subList(0, slots);
                    List<NewExecution> later = created.stream().filter(e -> !runNow.contains(e)).toList();
                    Map<Long, StoredEvent> events = new HashMap<>();
                    batch.forEach(e -> events.put(e.id(), e));
                    return executions.insertClaimed(tx, owner, runNow, runnerLease)
                            .call(ignored -> executions.insert(tx, later))
                            .map(ids -> afterCommit(runNow, ids, events, slots, batch, created))
                            .onFailure().invoke(() -> runner.release(slots));
                })
                .onFailure().invoke(() -> {
                    if (!accounted.get()) {
                        release(reserved);
                    }
                });
    }

    private AfterCommit afterCommit(List<NewExecution> runNow, List<Long> ids, Map<Long, StoredEvent> events, int slots,
                                    List<StoredEvent> batch, List<NewExecution> created) {
        return new AfterCommit() {
            @Override
            public void committed() {
                metrics.dispatched(batch, created);
                List<ClaimedExecution> claimed = new ArrayList<>();
                for (int i = 0; i < runNow.size(); i++) {
                    NewExecution e = runNow.get(i);
                    // fresh by construction: stored with its event in the transaction just committed, and run at once
                    claimed.add(new ClaimedExecution(ids.get(i), e.triggerId(), e.triggerVersion(), e.eventId(), e.entityType(),
                            e.entityId(), 0, 1, events.get(e.eventId()), true));
                }
                runner.runClaimed(claimed);
            }

            @Override
            public void abandoned() {
                runner.release(slots);
            }
        };
    }

    private Uni<RelationResolver> resolver(List<StoredEvent> batch) {
        List<Map<String, Object>> states = new ArrayList<>();
        Set<String> heads = new LinkedHashSet<>();
        for (StoredEvent e : batch) {
            states.add(e.newState());
            states.add(e.oldState());
            heads.addAll(catalog.relations(e.entityType()));
        }
        return heads.isEmpty() ? Uni.createFrom().item(RelationResolver.NONE) : relations.prefetch(states, heads);
    }

    private Uni<Integer> dispatchBatch() {
        return catalog.ensureLoaded()
                .flatMap(ignored -> events.claim(owner, config.batchSize(), config.lease(), config.maxAttempts()))
                .map(claimed -> claimed.stream().map(Dispatcher::canonical).toList())
                .flatMap(claimed -> claimed.isEmpty() ? Uni.createFrom().item(0) : dispatchIsolating(claimed).replaceWith(claimed.size()));
    }

    /**
     * Dispatches a batch; should that fail for another reason than the database going away (then the
     * claims simply expire), each event is dispatched alone, so that one event that cannot be
     * dispatched holds up no other, and is given back with the reason: retried after a backoff, and
     * {@code failed} after {@code triggerfish.dispatch.max-attempts}.
     */
    private Uni<Void> dispatchIsolating(List<StoredEvent> batch) {
        return dispatchClaimed(batch)
                .onFailure(e -> !DatabaseUnavailable.is(e))
                .recoverWithUni(e -> batch.size() > 1
                        ? Multi.createFrom().iterable(batch)
                                .onItem().transformToUniAndConcatenate(event -> dispatchIsolating(List.of(event)))
                                .collect().last().replaceWithVoid()
                        : giveBack(batch.get(0), e));
    }

    private Uni<Void> giveBack(StoredEvent event, Throwable failure) {
        String reason = "dispatch failed: " + (failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage());
        LogIds.with(null, null, event.id(), () -> LOG.warnf("event %d: %s", event.id(), reason));
        return events.giveBack(owner, List.of(event.id()), reason, config.maxAttempts(), config.lease())
                .replaceWithVoid();
    }

    private Uni<Void> dispatchClaimed(List<StoredEvent> batch) {
        return resolver(batch)
                .flatMap(resolver -> {
                    List<NewExecution> created = new ArrayList<>();
                    List<Long> ids = new ArrayList<>();
                    List<String> notes = new ArrayList<>();
                    for (StoredEvent event : batch) {
                        ids.add(event.id());
                        notes.add(match(event, resolver, created));
                    }
                    List<NewExecution> admitted = new ArrayList<>();
                    return pool.withTransaction(tx -> rateLimiter.apply(tx, created)
                                    .invoke(admitted::addAll)
                                    .flatMap(decided -> executions.insert(tx, decided))
                                    .flatMap(n -> events.markDispatched(tx, owner, ids, notes)))
                            .invoke(() -> metrics.dispatched(batch, admitted))
                            .invoke(() -> {
                                if (!created.isEmpty()) {
                                    runner.wake();
                                }
                            })
                            .replaceWithVoid();
                });
    }

    /** Events written by the SQL capture carry the model type as the DBA wrote it: 'Contact' is 'contact'. */
    private static StoredEvent canonical(StoredEvent e) {
        if (e.entityType() == null || !EntityType.isValid(e.entityType())) {
            return e;
        }
        String type = EntityType.canonical(e.entityType());
        return type.equals(e.entityType()) ? e : new StoredEvent(e.id(), e.kind(), type, e.entityId(), e.oldState(), e.newState(),
                e.context(), e.source(), e.chainDepth(), e.originTriggerId(), e.createdAt());
    }

    /** Adds the executions {@code event} creates; returns a note for the event (why something did not run), or null. */
    private String match(StoredEvent event, RelationResolver resolver, List<NewExecution> created) {
        TriggerIndex index = catalog.index();
        List<CompiledTrigger> fired = index.match(event.kind(), event.entityType(), event.newState(), event.oldState(), resolver,
                System.currentTimeMillis(), event.webhookSource());
        ChainRule chain = ChainRule.of(config);
        boolean tooDeep = chain.tooDeep(event);
        String note = null;
        OffsetDateTime now = OffsetDateTime.now();
        for (CompiledTrigger trigger : fired) {
            if (chain.ownChange(event, trigger.id())) {
                continue;
            }
            TriggerSnapshot snapshot = catalog.get(trigger.id());
            int delay = snapshot == null ? 0 : snapshot.delayMinutes();
            if (tooDeep) {
                note = chain.cutReason(event);
                created.add(new NewExecution(trigger.id(), trigger.version(), event.id(), event.entityType(), event.entityId(),
                        ExecutionStatus.SKIPPED, now, note));
            } else {
                created.add(new NewExecution(trigger.id(), trigger.version(), event.id(), event.entityType(), event.entityId(),
                        delay > 0 ? ExecutionStatus.SCHEDULED : ExecutionStatus.PENDING, now.plusMinutes(delay), null));
            }
        }
        return note;
    }
}
