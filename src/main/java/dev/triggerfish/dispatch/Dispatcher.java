package dev.triggerfish.dispatch;

import dev.triggerfish.api.DatabaseUnavailable;
import dev.triggerfish.condition.RelationResolver;
import dev.triggerfish.crm.RecordRelations;
import dev.triggerfish.event.EventStore;
import dev.triggerfish.event.InlineDispatch;
import dev.triggerfish.event.NewEvent;
import dev.triggerfish.event.StoredEvent;
import dev.triggerfish.execution.ClaimedExecution;
import dev.triggerfish.execution.ExecutionStatus;
import dev.triggerfish.execution.ExecutionStore;
import dev.triggerfish.execution.NewExecution;
import dev.triggerfish.execution.Runner;
import dev.triggerfish.support.EntityType;
import dev.triggerfish.support.HotPathPool;
import dev.triggerfish.support.LogIds;
import dev.triggerfish.support.Notifications;
import dev.triggerfish.support.ReplicaId;
import dev.triggerfish.support.ToTheEnd;
import dev.triggerfish.support.WorkLoop;
import dev.triggerfish.trigger.CompiledTrigger;
import dev.triggerfish.trigger.TriggerCatalog;
import dev.triggerfish.trigger.TriggerIndex;
import dev.triggerfish.trigger.TriggerSnapshot;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

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
    private final IntakeStore intake;
    /** The intake's own pool (see {@link HotPathPool}), for the transaction of a rate-limited intake. */
    private final Pool hotPath;
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(Dispatcher.class);

    public Dispatcher(EventStore events, ExecutionStore executions, TriggerCatalog catalog, RecordRelations relations,
                      Notifications notifications, Runner runner, Pool pool, DispatchConfig config, ReplicaId replica,
                      dev.triggerfish.execution.RunnerConfig runnerConfig, RateLimiter rateLimiter, DispatchMetrics metrics,
                      IntakeStore intake, HotPathPool hotPath) {
        this.rateLimiter = rateLimiter;
        this.intake = intake;
        this.hotPath = hotPath.pool();
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
     * The fast path: events accepted by this replica are matched as they are stored and committed with
     * their executions (in one statement, or one transaction: see {@link #accept}); the executions start
     * here at once after the commit when the runner has room (inserted as claimed by this replica), else
     * they wait as pending for any replica. The rows stay the truth.
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

    /**
     * Events as sent: matched before they are stored, on the events numbered by their place in the
     * request (matching needs no id). Then one of two paths: without a rate limit among the triggers
     * they fire, one statement stores the events and the executions ({@link IntakeStore}: one round
     * trip); with one, a transaction, as the limit's row lock must be taken before its executions are
     * inserted ({@link RateLimiter}): the events, the limits, then the executions.
     */
    @Override
    public Uni<List<EventStore.Appended>> accept(List<NewEvent> events, int reserved) {
        AtomicBoolean handedOver = new AtomicBoolean(); // from then on, the path called gives back the slots
        List<StoredEvent> numbered = numbered(events);
        return catalog.ensureLoaded()
                .flatMap(ignored -> resolver(numbered))
                .flatMap(resolver -> {
                    List<NewExecution> matched = new ArrayList<>();
                    for (StoredEvent event : numbered) {
                        match(event, resolver, matched);
                    }
                    handedOver.set(true);
                    // to its end even when the client goes away: the database work does not stop, so what follows it must run
                    return ToTheEnd.run(rateLimiter.limits(matched)
                            ? acceptInTransaction(events, numbered, matched, reserved)
                            : acceptInOneStatement(events, numbered, matched, reserved));
                })
                .onTermination().invoke((item, failure, cancelled) -> {
                    if (item == null && !handedOver.get()) {
                        release(reserved);
                    }
                });
    }

    private Uni<List<EventStore.Appended>> acceptInOneStatement(List<NewEvent> events, List<StoredEvent> numbered,
                                                              List<NewExecution> matched, int reserved) {
        Slots slots = slots(matched, reserved);
        // deferred: should building the statement throw, the failure handler below still gives the slots back
        return Uni.createFrom().deferred(() -> intake.store(events, slots.runNow(), slots.later(), owner, runnerLease))
                // failed before its answer: whatever it stored as running waits for its lease to expire (a client gone away cancels nothing: see accept)
                .onFailure().invoke(() -> runner.release(slots.granted()))
                .flatMap(stored -> {
                    List<StoredEvent> fresh = new ArrayList<>();
                    for (int i = 0; i < events.size(); i++) {
                        if (stored.inserted()[i]) {
                            fresh.add(withId(numbered.get(i), stored.eventIds()[i]));
                        }
                    }
                    List<NewExecution> given = slots.all();
                    List<NewExecution> created = new ArrayList<>();
                    List<ClaimedExecution> claimed = new ArrayList<>();
                    for (int i = 0; i < given.size(); i++) {
                        Long id = stored.executionIds()[i];
                        if (id != null) { // else its event was a replay: not stored again, nothing to run
                            int at = (int) given.get(i).eventId();
                            NewExecution e = withEvent(given.get(i), stored.eventIds()[at]);
                            created.add(e);
                            if (i < slots.runNow().size()) {
                                claimed.add(claimed(id, e, withId(numbered.get(at), e.eventId())));
                            }
                        }
                    }
                    release(slots.granted() - claimed.size());
                    metrics.dispatched(fresh, created);
                    runner.runClaimed(claimed);
                    return answer(stored, events);
                });
    }

    /** Each event's id and whether it is new; the ids that a concurrent request stored first (rare) read back. */
    private Uni<List<EventStore.Appended>> answer(IntakeStore.Stored stored, List<NewEvent> events) {
        List<String> unresolved = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            if (stored.eventIds()[i] == null) {
                unresolved.add(events.get(i).clientEventId());
            }
        }
        Uni<Map<String, Long>> late = unresolved.isEmpty() ? Uni.createFrom().item(Map.of()) : EventStore.idsByClientId(hotPath, unresolved);
        return late.map(byClientId -> {
            List<EventStore.Appended> out = new ArrayList<>(events.size());
            for (int i = 0; i < events.size(); i++) {
                Long id = stored.eventIds()[i];
                out.add(new EventStore.Appended(id != null ? id : byClientId.get(events.get(i).clientEventId()), stored.inserted()[i]));
            }
            return out;
        });
    }

    /**
     * With a rate limit: the events stored in a transaction, the limits applied under their row locks in
     * it, then the executions inserted; those with a slot run once it committed.
     */
    private Uni<List<EventStore.Appended>> acceptInTransaction(List<NewEvent> events, List<StoredEvent> numbered,
                                                             List<NewExecution> matched, int reserved) {
        // until the executions are planned, the reserved slots are all there is to give back
        AtomicReference<AfterCommit> after = new AtomicReference<>(releasing(reserved));
        return hotPath.withTransaction(tx -> this.events.appendAll(tx, events, true)
                        .flatMap(appended -> {
                            List<StoredEvent> fresh = new ArrayList<>();
                            for (int i = 0; i < appended.size(); i++) {
                                if (appended.get(i).inserted()) {
                                    fresh.add(withId(numbered.get(i), appended.get(i).id()));
                                }
                            }
                            List<NewExecution> fired = new ArrayList<>();
                            for (NewExecution e : matched) {
                                EventStore.Appended event = appended.get((int) e.eventId());
                                if (event.inserted()) { // else a replay: it fires nothing again
                                    fired.add(withEvent(e, event.id()));
                                }
                            }
                            after.set(AfterCommit.NOTHING); // insert gives back the slots should it fail
                            return insert(tx, fresh, fired, reserved)
                                    .invoke(after::set)
                                    .replaceWith(appended);
                        }))
                .onItem().invoke(() -> after.get().committed())
                .onFailure().invoke(() -> after.get().abandoned());
    }

    /** Events worked out in the caller's transaction (inbound webhooks), stored there already: matched and their executions inserted in it. */
    @Override
    public Uni<AfterCommit> dispatch(SqlClient tx, List<StoredEvent> batch, int reserved) {
        AtomicBoolean accounted = new AtomicBoolean();
        return catalog.ensureLoaded()
                .flatMap(ignored -> resolver(batch))
                .flatMap(resolver -> {
                    List<NewExecution> matched = new ArrayList<>();
                    for (StoredEvent event : batch) {
                        match(event, resolver, matched);
                    }
                    accounted.set(true);
                    return insert(tx, batch, matched, reserved);
                })
                .onFailure().invoke(() -> {
                    if (!accounted.get()) {
                        release(reserved);
                    }
                });
    }

    /**
     * Applies the rate limits to {@code matched} and inserts them in {@code tx}: those due now as far as
     * the {@code reserved} slots (and any others free) go as claimed by this replica, to run once
     * {@code tx} committed. Gives back the slots it does not use, and, should it fail, all of them.
     */
    private Uni<AfterCommit> insert(SqlClient tx, List<StoredEvent> batch, List<NewExecution> matched, int reserved) {
        return rateLimiter.apply(tx, matched)
                .onFailure().invoke(() -> release(reserved))
                .flatMap(created -> {
                    Slots slots = slots(created, reserved);
                    Map<Long, StoredEvent> events = new HashMap<>();
                    batch.forEach(e -> events.put(e.id(), e));
                    return executions.insertClaimed(tx, owner, slots.runNow(), runnerLease)
                            .call(ignored -> executions.insert(tx, slots.later()))
                            .map(ids -> afterCommit(slots, ids, events, batch, created))
                            .onFailure().invoke(() -> runner.release(slots.granted()));
                });
    }

    /**
     * The slots for {@code created}: its due executions run here at once as far as the {@code reserved}
     * slots (and any others free) go; the reserved slots not needed are given back now.
     */
    private Slots slots(List<NewExecution> created, int reserved) {
        int due = (int) created.stream().filter(e -> e.status() == ExecutionStatus.PENDING).count();
        int granted = Math.min(reserved, due) + (due > reserved ? runner.reserve(due - reserved) : 0);
        release(reserved - Math.min(reserved, due));
        // the first due ones run now; one pass, in order (a search of runNow for each execution was quadratic in the batch)
        List<NewExecution> runNow = new ArrayList<>(granted);
        List<NewExecution> later = new ArrayList<>(created.size() - granted);
        for (NewExecution e : created) {
            (e.status() == ExecutionStatus.PENDING && runNow.size() < granted ? runNow : later).add(e);
        }
        return new Slots(runNow, later, granted);
    }

    /** Executions to run here at once ({@code granted} slots held for them) and the others, due for any replica. */
    private record Slots(List<NewExecution> runNow, List<NewExecution> later, int granted) {
        List<NewExecution> all() {
            List<NewExecution> all = new ArrayList<>(runNow);
            all.addAll(later);
            return all;
        }
    }

    private AfterCommit afterCommit(Slots slots, List<Long> ids, Map<Long, StoredEvent> events, List<StoredEvent> batch,
                                    List<NewExecution> created) {
        return new AfterCommit() {
            @Override
            public void committed() {
                metrics.dispatched(batch, created);
                List<ClaimedExecution> claimed = new ArrayList<>();
                for (int i = 0; i < slots.runNow().size(); i++) {
                    NewExecution e = slots.runNow().get(i);
                    claimed.add(claimed(ids.get(i), e, events.get(e.eventId())));
                }
                runner.runClaimed(claimed);
            }

            @Override
            public void abandoned() {
                runner.release(slots.granted());
            }
        };
    }

    private AfterCommit releasing(int slots) {
        return new AfterCommit() {
            @Override
            public void committed() {
                release(slots);
            }

            @Override
            public void abandoned() {
                release(slots);
            }
        };
    }

    /** Fresh by construction: stored with its event by what just committed, and run at once. */
    private static ClaimedExecution claimed(long id, NewExecution e, StoredEvent event) {
        return new ClaimedExecution(id, e.triggerId(), e.triggerVersion(), event.id(), e.entityType(), e.entityId(), 0, 1, event, true);
    }

    /** The events of a request before they are stored, each with its place in the request as its id. */
    private static List<StoredEvent> numbered(List<NewEvent> events) {
        OffsetDateTime now = OffsetDateTime.now();
        List<StoredEvent> numbered = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            NewEvent e = events.get(i);
            numbered.add(new StoredEvent(i, e.kind(), e.entityType(), e.entityId(), e.oldState(), e.newState(), e.context(), e.source(),
                    e.chainDepth(), e.originTriggerId(), now));
        }
        return numbered;
    }

    private static StoredEvent withId(StoredEvent e, long id) {
        return new StoredEvent(id, e.kind(), e.entityType(), e.entityId(), e.oldState(), e.newState(), e.context(), e.source(),
                e.chainDepth(), e.originTriggerId(), e.createdAt());
    }

    private static NewExecution withEvent(NewExecution e, long eventId) {
        return new NewExecution(e.triggerId(), e.triggerVersion(), eventId, e.entityType(), e.entityId(), e.status(), e.nextAttemptAt(),
                e.error(), e.rateLimitedWindow());
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
