package dev.triggerfish.execution;

import dev.triggerfish.action.ActionContext;
import dev.triggerfish.action.ActionHandler;
import dev.triggerfish.action.ActionRegistry;
import dev.triggerfish.action.StepResult;
import dev.triggerfish.action.TransientFault;
import dev.triggerfish.api.ApiProblem;
import dev.triggerfish.api.DatabaseUnavailable;
import dev.triggerfish.condition.RelationResolver;
import dev.triggerfish.crm.ChangeOrigin;
import dev.triggerfish.crm.CrmRecord;
import dev.triggerfish.crm.RecordRelations;
import dev.triggerfish.crm.RecordStore;
import dev.triggerfish.support.JsonText;
import dev.triggerfish.support.Notifications;
import dev.triggerfish.support.ReplicaId;
import dev.triggerfish.event.StoredEvent;
import dev.triggerfish.support.WorkLoop;
import dev.triggerfish.template.EntityView;
import dev.triggerfish.template.TemplateRenderer;
import dev.triggerfish.trigger.TriggerCatalog;
import dev.triggerfish.trigger.TriggerSnapshot;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs executions: claims due ones in batches, runs each one's actions in order, and checkpoints
 * after every step, so a resumed execution never repeats a completed step. At most
 * {@code triggerfish.runner.concurrency} executions run at once on this replica.
 */
@ApplicationScoped
public class Runner {
    private static final Logger LOG = Logger.getLogger(Runner.class);
    private static final Pattern ENTITY_RELATION = Pattern.compile("entity\\.([A-Za-z_][A-Za-z0-9_]*)\\.");

    private final ExecutionStore executions;
    private final RecordStore records;
    private final RecordRelations relations;
    private final TriggerCatalog catalog;
    private final ActionRegistry actions;
    private final TemplateRenderer templates;
    private final Notifications notifications;
    private final Pool pool;
    private final RunnerConfig config;
    private final String owner;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final java.util.Queue<RoomWaiter> roomWaiters = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final WorkLoop loop;
    private final StepJournal journal;
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    /** The executions running here, with when their lease was last extended (claim, checkpoint or heartbeat), in nanos. */
    private final Map<Long, Long> running = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile boolean stopping;
    private final Map<String, Set<String>> templateRelations = new java.util.concurrent.ConcurrentHashMap<>();

    public Runner(ExecutionStore executions, RecordStore records, RecordRelations relations, TriggerCatalog catalog,
                  ActionRegistry actions, TemplateRenderer templates, Notifications notifications, Pool pool, RunnerConfig config,
                  ReplicaId replica, StepJournal journal) {
        this.journal = journal;
        this.executions = executions;
        this.records = records;
        this.relations = relations;
        this.catalog = catalog;
        this.actions = actions;
        this.templates = templates;
        this.notifications = notifications;
        this.pool = pool;
        this.config = config;
        this.owner = replica.id();
        this.loop = new WorkLoop("runner", this::claimBatch, config.batchSize());
    }

    void start(@Observes StartupEvent event) {
        if (config.enabled()) {
            notifications.listen(ExecutionStore.CHANNEL, loop::wake);
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
        stopping = true;
        if (inFlight.get() > 0) {
            try {
                drained.get(config.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                LOG.warnf("%d executions still running at the shutdown deadline; releasing them", inFlight.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
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

    @Scheduled(every = "${triggerfish.runner.poll-interval:1s}", delayed = "1s")
    void poll() {
        if (config.enabled()) {
            loop.wake();
        }
    }

    /**
     * Renews the claims of the executions running here, so a lease can stay short (a dead replica's
     * work is taken over within seconds) while a long step runs on.
     */
    @Scheduled(every = "${triggerfish.runner.heartbeat:5s}", delayed = "5s")
    Uni<Void> heartbeat() {
        // only the claims not extended for a heartbeat interval: most executions checkpoint sooner than that
        long now = System.nanoTime();
        long due = now - config.heartbeat().toNanos();
        List<Long> stale = running.entrySet().stream().filter(e -> e.getValue() - due <= 0).map(Map.Entry::getKey).toList();
        if (stale.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        stale.forEach(id -> running.replace(id, now));
        return executions.renew(owner, stale, config.lease()).replaceWithVoid();
    }

    /** Wakes the runner now (work was just created on this replica). */
    public void wake() {
        if (config.enabled()) {
            loop.wake();
        }
    }

    private Uni<Integer> claimBatch() {
        int running = inFlight.get();
        int free = config.concurrency() - running;
        // claim in batches: wait for a quarter of the slots to free up, unless idle
        if (free <= 0 || (running > 0 && free < Math.min(config.batchSize(), Math.max(1, config.concurrency() / 4)))) {
            return Uni.createFrom().item(0);
        }
        return catalog.ensureLoaded()
                .flatMap(ignored -> executions.claim(owner, Math.min(free, config.batchSize()), config.lease()))
                .flatMap(this::withRecords)
                .invoke(claimed -> claimed.forEach(this::start))
                .map(List::size);
    }

    /**
     * The claimed executions whose event no longer holds the record's current state (as the claim
     * found), with the record read from the store: one query for the batch instead of one per
     * execution. Should that query fail, each execution reads its record itself.
     */
    private Uni<List<ClaimedExecution>> withRecords(List<ClaimedExecution> claimed) {
        List<String[]> keys = claimed.stream().filter(e -> e.entityId() != null && !e.fresh())
                .map(e -> new String[] {e.entityType(), e.entityId()}).distinct().toList();
        if (keys.isEmpty()) {
            return Uni.createFrom().item(claimed);
        }
        return records.findAll(pool, keys)
                .map(found -> claimed.stream()
                        .map(e -> e.entityId() != null && !e.fresh() ? e.withRecord(found.get(RecordStore.key(e.entityType(), e.entityId()))) : e)
                        .toList())
                .onFailure().recoverWithItem(claimed);
    }

    /**
     * Reserves up to {@code wanted} execution slots for work claimed elsewhere on this replica (the
     * inline dispatch); returns how many were granted.
     */
    public int reserve(int wanted) {
        while (true) {
            int running = inFlight.get();
            int granted = Math.max(0, Math.min(wanted, config.concurrency() - running));
            if (!config.enabled() || granted == 0 || inFlight.compareAndSet(running, running + granted)) {
                return config.enabled() ? granted : 0;
            }
        }
    }

    /** Gives back reserved slots that were not used. */
    public void release(int slots) {
        inFlight.addAndGet(-slots);
        signalRoom();
        loop.wake();
    }

    /**
     * Reserves {@code slots} execution slots (at most the concurrency), waiting up to {@code max} for
     * them to be free; after {@code max}, reserves what is free (maybe nothing: that work then waits as
     * pending, for any replica). Intake calls this before it stores events, so that it paces itself to
     * the runner and what it accepts starts at once instead of queueing twice. The caller owns the
     * slots granted: it runs executions in them or gives them back with {@link #release}. Completes on
     * the caller's Vert.x context.
     */
    public Uni<Integer> awaitRoom(int slots, Duration max) {
        int wanted = Math.min(slots, config.concurrency());
        if (!config.enabled() || stopping || wanted <= 0) {
            return Uni.createFrom().item(0);
        }
        if (max.isZero() || tryReserve(wanted)) {
            return Uni.createFrom().item(max.isZero() ? reserve(wanted) : wanted);
        }
        io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
        java.util.concurrent.atomic.AtomicReference<RoomWaiter> waiting = new java.util.concurrent.atomic.AtomicReference<>();
        return Uni.createFrom().<Integer>emitter(emitter -> {
                    RoomWaiter waiter = new RoomWaiter(wanted, emitter, new java.util.concurrent.atomic.AtomicBoolean(), new AtomicInteger());
                    waiting.set(waiter);
                    roomWaiters.add(waiter);
                    io.smallrye.mutiny.infrastructure.Infrastructure.getDefaultWorkerPool().schedule(() -> {
                        if (waiter.settle()) { // waited long enough: whatever is free now
                            roomWaiters.remove(waiter);
                            waiter.granted().set(reserve(wanted));
                            emitter.complete(waiter.granted().get());
                        }
                    }, max.toMillis(), TimeUnit.MILLISECONDS);
                    signalRoom();
                })
                .emitOn(task -> {
                    if (context == null) {
                        task.run();
                    } else {
                        context.runOnContext(ignored -> task.run());
                    }
                })
                .onCancellation().invoke(() -> {
                    // the request went away while it waited
                    RoomWaiter waiter = waiting.get();
                    if (waiter == null) {
                        return;
                    }
                    if (waiter.settle()) {
                        roomWaiters.remove(waiter); // not served yet: it leaves the queue
                    } else {
                        int granted = waiter.granted().getAndSet(0); // served, but the slots never reached the request
                        if (granted > 0) {
                            release(granted);
                        }
                    }
                });
    }

    /** An intake request waiting for slots; settled once, by a grant, its deadline or its cancellation. */
    private record RoomWaiter(int slots, io.smallrye.mutiny.subscription.UniEmitter<? super Integer> emitter,
                              java.util.concurrent.atomic.AtomicBoolean settled, AtomicInteger granted) {
        boolean settle() {
            return settled.compareAndSet(false, true);
        }
    }

    /** Reserves exactly {@code slots} if that many are free. */
    private boolean tryReserve(int slots) {
        while (true) {
            int running = inFlight.get();
            if (config.concurrency() - running < slots) {
                return false;
            }
            if (inFlight.compareAndSet(running, running + slots)) {
                return true;
            }
        }
    }

    /** Grants waiting intake requests their slots, first come first served, as far as the free slots go. */
    private void signalRoom() {
        RoomWaiter waiter;
        while ((waiter = roomWaiters.peek()) != null) {
            if (waiter.settled().get()) {
                roomWaiters.remove(waiter);
            } else if (!tryReserve(waiter.slots())) {
                return;
            } else if (waiter.settle()) {
                roomWaiters.remove(waiter);
                waiter.granted().set(waiter.slots());
                waiter.emitter().complete(waiter.slots());
            } else {
                inFlight.addAndGet(-waiter.slots()); // its deadline settled it meanwhile
            }
        }
    }

    /** Runs executions already claimed for this replica, in slots reserved with {@link #reserve}. */
    public void runClaimed(List<ClaimedExecution> claimed) {
        claimed.forEach(this::runInSlot);
    }

    private void start(ClaimedExecution execution) {
        inFlight.incrementAndGet();
        runInSlot(execution);
    }

    private void runInSlot(ClaimedExecution execution) {
        running.put(execution.id(), System.nanoTime());
        run(execution)
                .onTermination().invoke(() -> {
                    running.remove(execution.id());
                    int left = inFlight.decrementAndGet();
                    if (!roomWaiters.isEmpty()) {
                        signalRoom();
                    }
                    if (left == 0 && stopping) {
                        drained.complete(null);
                    }
                    loop.wake();
                })
                .subscribe().with(
                        ignored -> { },
                        failure -> {
                            if (failure instanceof LostClaim) {
                                LOG.debugf("execution %d: %s", execution.id(), failure.getMessage());
                            } else {
                                // one line at WARN (the trace at DEBUG); secrets are redacted by the log filter (SecretLogFilter)
                                LOG.warnf("execution %d stopped; its claim expires and it is run again: %s", execution.id(), failure);
                                LOG.debugf(failure, "execution %d stopped", execution.id());
                            }
                        });
    }

    /**
     * Runs an execution. Whatever goes wrong that is not the database going away (or the claim lost)
     * ends it {@code failed} with the reason, rather than leaving it running to be claimed again every
     * lease: such a failure would only repeat.
     */
    private Uni<Void> run(ClaimedExecution execution) {
        return Uni.createFrom().deferred(() -> runHeld(execution))
                .onFailure(e -> !(e instanceof LostClaim) && !transientFailure(e))
                .recoverWithUni(e -> {
                    LOG.warnf("execution %d failed: %s", execution.id(), reason(e));
                    return executions.finish(owner, execution.id(), ExecutionStatus.FAILED, "failed: " + reason(e)).replaceWithVoid();
                });
    }

    private Uni<Void> runHeld(ClaimedExecution execution) {
        TriggerSnapshot trigger = catalog.get(execution.triggerId());
        if (trigger == null) {
            return executions.finish(owner, execution.id(), ExecutionStatus.CANCELLED, "the trigger was deleted").replaceWithVoid();
        }
        StoredEvent event = execution.event();
        if (!trigger.active() && (event == null || !"manual".equals(event.source()))) {
            return executions.finish(owner, execution.id(), ExecutionStatus.CANCELLED, "the trigger was deactivated").replaceWithVoid();
        }
        // the event's state is the record's state when fresh (decided by the database, never by this JVM's clock,
        // see ExecutionStore#claim); a delayed, retried or resumed run reads the store
        return runFrom(execution, trigger, event, execution.currentStep(), !execution.fresh());
    }

    /** Runs step {@code index} and the ones after it, one at a time. */
    private Uni<Void> runFrom(ClaimedExecution execution, TriggerSnapshot trigger, StoredEvent event, int index, boolean readStore) {
        List<Map<String, Object>> steps = trigger.actions();
        if (index >= steps.size()) {
            return executions.finish(owner, execution.id(), ExecutionStatus.COMPLETED, null).replaceWithVoid();
        }
        Map<String, Object> action = steps.get(index);
        ActionHandler handler = actions.find(String.valueOf(action.get("type")));
        boolean last = index == steps.size() - 1;
        if (index > execution.currentStep()) {
            running.replace(execution.id(), System.nanoTime()); // the checkpoint of the step before extended the claim
        }
        return Uni.createFrom().deferred(() -> scope(execution, trigger, event, readStore, index))
                .onItemOrFailure().transformToUni((scope, failure) -> failure == null
                        ? step(execution, trigger, event, index, action, handler, scope, last)
                        : failure instanceof LostClaim || transientFailure(failure)
                        ? Uni.createFrom().<StepResult>failure(failure)
                        // what the templates would see could not be built: the step fails with the reason
                        : failedStep(execution, trigger, event, index, action, failure, last))
                .flatMap(result -> result.status() == StepResult.StepStatus.FAILED || last
                        ? Uni.createFrom().voidItem()
                        // after an action that changed the record, later ones see the record as it is now
                        : runFrom(execution, trigger, event, index + 1, readStore || handler.changesRecords()));
    }

    private Uni<StepResult> step(ClaimedExecution execution, TriggerSnapshot trigger, StoredEvent event, int index,
                                 Map<String, Object> action, ActionHandler handler, Map<String, Object> scope, boolean last) {
        String type = String.valueOf(action.get("type"));
        ActionContext context = context(execution, trigger, event, index, action, handler, scope);
        ChangeOrigin origin = context.origin();
        OffsetDateTime startedAt = OffsetDateTime.now();
        long started = System.nanoTime();
        if (handler == null) {
            StepResult unknown = StepResult.failed("unknown action type '" + type + "'", Map.of());
            return journal.write(record(execution, trigger, index, type, context, unknown, startedAt, started, last)).replaceWith(unknown);
        }
        if (handler.changesRecords()) {
            // the change, its event and the checkpoint commit together: a completed step is never repeated
            return pool.withTransaction(tx -> markOrigin(tx, origin)
                            .flatMap(marked -> handler.execute(context.inTransaction(tx)))
                            .flatMap(result -> {
                                if (result.status() == StepResult.StepStatus.FAILED) {
                                    return Uni.createFrom().<StepResult>failure(new StepFailed(result));
                                }
                                StepRecord record = record(execution, trigger, index, type, context, result, startedAt, started, last);
                                return executions.record(tx, owner, List.of(record), config.lease())
                                        .map(held -> {
                                            if (!held.contains(execution.id())) {
                                                throw new LostClaim(execution.id());
                                            }
                                            return record.result();
                                        });
                            }))
                    .onFailure(e -> !(e instanceof LostClaim))
                    .recoverWithUni(e -> {
                        StepRecord failed = record(execution, trigger, index, type, context, failure(e), startedAt, started, last);
                        return journal.write(failed).replaceWith(failed.result());
                    });
        }
        // a handler may also throw before it returns a Uni (a template that does not render): a failed step all the same
        return Uni.createFrom().deferred(() -> handler.execute(context))
                .onFailure().recoverWithItem(Runner::failure)
                .flatMap(result -> {
                    StepRecord record = record(execution, trigger, index, type, context, result, startedAt, started, last);
                    return journal.write(record).replaceWith(record.result());
                });
    }

    /**
     * The context of a step. Only actions that leave records alone (webhooks) see the secrets: a record
     * is read by every CRM user and sent on in events, so no secret is ever written into one.
     */
    private ActionContext context(ClaimedExecution execution, TriggerSnapshot trigger, StoredEvent event, int index,
                                  Map<String, Object> action, ActionHandler handler, Map<String, Object> scope) {
        ChangeOrigin origin = new ChangeOrigin("action", (event == null ? 0 : event.chainDepth()) + 1, trigger.id());
        return new ActionContext(action, execution.id(), index, trigger.id(), execution.entityType(), execution.entityId(), origin,
                scope, templates, handler != null && !handler.changesRecords());
    }

    /** Records step {@code index} failed with {@code failure}, before its action could run. */
    private Uni<StepResult> failedStep(ClaimedExecution execution, TriggerSnapshot trigger, StoredEvent event, int index,
                                       Map<String, Object> action, Throwable failure, boolean last) {
        ActionContext context = context(execution, trigger, event, index, action, null, Map.of());
        StepRecord failed = record(execution, trigger, index, String.valueOf(action.get("type")), context, failure(failure),
                OffsetDateTime.now(), System.nanoTime(), last);
        return journal.write(failed).replaceWith(failed.result());
    }

    /**
     * Tells the capture function ({@code triggerfish_capture}, V6) the chain depth and trigger of the
     * changes this transaction makes, so a change an action makes to a captured table is an event one
     * level deeper, cut by the chain limit like any other.
     */
    private static Uni<Void> markOrigin(SqlClient tx, ChangeOrigin origin) {
        return tx.preparedQuery("select set_config('triggerfish.chain_depth', $1, true), set_config('triggerfish.origin_trigger_id', $2, true)")
                .execute(Tuple.of(String.valueOf(origin.chainDepth()), origin.originTriggerId() == null ? "" : origin.originTriggerId().toString()))
                .replaceWithVoid();
    }

    /**
     * The checkpoint of a step, with the execution's end when the step ends it: completed after the
     * last step; after a failure, retrying (transient fault, retries left) or failed.
     */
    private StepRecord record(ClaimedExecution execution, TriggerSnapshot trigger, int index, String type, ActionContext context,
                              StepResult result, OffsetDateTime startedAt, long started, boolean last) {
        StepResult recorded = context.missing().isEmpty() ? result : result.with("missing_values", List.copyOf(context.missing()));
        long durationMs = (System.nanoTime() - started) / 1_000_000;
        ExecutionStatus end = null;
        String error = null;
        OffsetDateTime retryAt = null;
        if (result.status() == StepResult.StepStatus.FAILED) {
            error = "step " + index + " (" + type + ") failed: " + result.error();
            boolean retryable = Boolean.TRUE.equals(result.output().get("retryable"));
            int retriesDone = execution.attempt() - 1;
            if (trigger.allowRetries() && retryable && retriesDone < trigger.maxRetries()) {
                end = ExecutionStatus.RETRYING;
                Backoff backoff = Backoff.of(trigger.retryConfiguration());
                retryAt = OffsetDateTime.now().plus(backoff.delay(retriesDone + 1, RetryAfter.parse(result.output().get("retry_after"))));
            } else {
                end = ExecutionStatus.FAILED;
            }
        } else if (last) {
            end = ExecutionStatus.COMPLETED;
        }
        return new StepRecord(execution, index, type, context.idempotencyKey(), recorded, startedAt, durationMs, end, error, retryAt);
    }

    /**
     * A step that failed with {@code e}. Only a transient fault (a target that is down or slow) or the
     * database going away is worth a retry; anything else (a template that does not render, a bad
     * configuration, a bug) would fail the same way again, so the step fails for good with the reason.
     */
    private static StepResult failure(Throwable e) {
        if (e instanceof StepFailed failed) {
            return failed.result;
        }
        return StepResult.failed(reason(e), Map.of("retryable", transientFailure(e)));
    }

    /** SQLSTATE classes of a transaction that may succeed when run again: serialization failure, deadlock; resources; cancelled. */
    private static final Set<String> TRANSIENT_STATES = Set.of("40001", "40P01", "53000", "53100", "53200", "53300", "57014");

    static boolean transientFailure(Throwable e) {
        if (DatabaseUnavailable.is(e)) {
            return true;
        }
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TransientFault || t instanceof java.util.concurrent.TimeoutException || t instanceof java.io.IOException
                    || t instanceof PgException pg && TRANSIENT_STATES.contains(pg.getSqlState())) {
                return true;
            }
            if (t.getClass().getName().startsWith("io.vertx.") && !(t instanceof PgException)) {
                return true; // the client's own failures (a pool closed or timed out, a connection not active): the database, not the step
            }
            if (t instanceof ApiProblem) {
                return false;
            }
        }
        return false;
    }

    private static String reason(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /**
     * What templates see: the record (from the event, or as it is now in the store when
     * {@code readStore}), its relations, the event, the trigger and the execution.
     */
    private Uni<Map<String, Object>> scope(ClaimedExecution execution, TriggerSnapshot trigger, StoredEvent event, boolean readStore,
                                           int index) {
        Uni<CrmRecord> current;
        if (!readStore || execution.entityId() == null) {
            current = Uni.createFrom().nullItem();
        } else if (execution.storeRead() && index == execution.currentStep()) {
            current = Uni.createFrom().item(execution.record()); // read with its claimed batch; no step has run since
        } else {
            current = records.find(pool, execution.entityType(), execution.entityId(), false);
        }
        return current.flatMap(record -> {
            Map<String, Object> entity = record != null ? record.toJson() : eventState(event);
            Set<String> heads = relationsOf(trigger);
            Uni<RelationResolver> resolver = heads.isEmpty()
                    ? Uni.createFrom().item(RelationResolver.NONE)
                    : relations.prefetch(Arrays.asList(entity), heads);
            return resolver.map(r -> scope(execution, trigger, event, entity, r));
        });
    }

    private static Map<String, Object> scope(ClaimedExecution execution, TriggerSnapshot trigger, StoredEvent event,
                                             Map<String, Object> entity, RelationResolver resolver) {
        Map<String, Object> scope = new LinkedHashMap<>();
        scope.put("entity", new EntityView(entity, resolver));
        scope.put("entity_type", execution.entityType());
        scope.put("entity_id", execution.entityId());
        scope.put("trigger_event", execution.entityType() + "." + (event == null ? "unknown" : event.kind()));
        scope.put("trigger", Map.of("id", trigger.id(), "name", trigger.name()));
        scope.put("execution", Map.of("id", execution.id(), "attempt", execution.attempt()));
        if (event != null) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("id", event.id());
            e.put("kind", event.kind());
            e.put("source", event.source());
            e.put("previous", event.oldState());
            e.put("context", event.context());
            scope.put("event", e);
            scope.put("context", event.context() == null ? Map.of() : event.context());
        }
        return scope;
    }

    private static Map<String, Object> eventState(StoredEvent event) {
        if (event == null) {
            return new LinkedHashMap<>();
        }
        Map<String, Object> state = event.newState() != null ? event.newState() : event.oldState();
        return state == null ? new LinkedHashMap<>() : state;
    }

    /** Relations the trigger's templates reach ({@code company} for {@code {{entity.company.name}}}), per trigger version. */
    private Set<String> relationsOf(TriggerSnapshot trigger) {
        return templateRelations.computeIfAbsent(trigger.id() + ":" + trigger.version(), k -> {
            Set<String> heads = new LinkedHashSet<>();
            Matcher m = ENTITY_RELATION.matcher(JsonText.write(trigger.actions()));
            while (m.find()) {
                heads.add(m.group(1));
            }
            return Set.copyOf(heads);
        });
    }

    /** A failed step inside the checkpoint transaction: rolls its changes back, then is recorded on its own. */
    private static final class StepFailed extends RuntimeException {
        private final transient StepResult result;

        StepFailed(StepResult result) {
            super(result.error(), null, false, false);
            this.result = result;
        }
    }
}
