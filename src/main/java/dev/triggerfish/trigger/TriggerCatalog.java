package dev.triggerfish.trigger;

import dev.triggerfish.support.Notifications;
import dev.triggerfish.support.ReplicaId;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.annotation.Priority;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every trigger, compiled, with the index of the active ones. Kept fresh on every replica: the replica
 * that changes a trigger reloads right after the commit (its answer then reflects the change), and its
 * change NOTIFYs {@value #CHANNEL} with its replica id, on which every other replica reloads; a
 * periodic reload covers a lost notification. Reloads build a new index and swap it in; readers never lock.
 */
@ApplicationScoped
public class TriggerCatalog {
    public static final String CHANNEL = "triggerfish_triggers";
    private static final Logger LOG = Logger.getLogger(TriggerCatalog.class);

    private final Vertx vertx;
    private final Notifications notifications;
    private final String replica;
    private final Map<Cause, Counter> reloads = new EnumMap<>(Cause.class);
    private final Counter notified;
    private final AtomicLong generation = new AtomicLong();
    private volatile State state = new State(Map.of(), TriggerIndex.EMPTY, Map.of());
    private volatile boolean loaded;

    private record State(Map<Long, TriggerSnapshot> byId, TriggerIndex index, Map<String, Set<String>> relationsByModel) {
    }

    /** Why the catalog reloads, the {@code cause} of the {@code triggerfish.catalog.reloads} metric. */
    enum Cause {
        /** A trigger changed through this replica's API (right after its commit). */
        CHANGE,
        /** Another replica's trigger change, or the LISTEN connection (re)connected. */
        NOTIFICATION,
        /** {@code triggerfish.catalog.refresh-interval}, in case a notification was lost. */
        REFRESH,
        /** The first use, before any other reload. */
        FIRST_USE;

        String tag() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    public TriggerCatalog(Vertx vertx, Notifications notifications, ReplicaId replica, MeterRegistry meters) {
        this.vertx = vertx;
        this.notifications = notifications;
        this.replica = replica.id();
        for (Cause cause : Cause.values()) {
            reloads.put(cause, Counter.builder("triggerfish.catalog.reloads").tag("cause", cause.tag())
                    .description("reloads of every trigger into this replica's catalog, by why").register(meters));
        }
        this.notified = Counter.builder("triggerfish.catalog.notifications")
                .description("trigger change notifications this replica received (its own included)").register(meters);
    }

    void start(@Observes @Priority(10) StartupEvent event) {
        notifications.listen(CHANNEL, (String changedBy) -> {
            notified.increment();
            // this replica's own change was reloaded after its commit already (see reload())
            if (!replica.equals(changedBy)) {
                reload(Cause.NOTIFICATION).subscribe().with(ignored -> { }, e -> LOG.warn("trigger reload failed", e));
            }
        });
    }

    @Scheduled(every = "${triggerfish.catalog.refresh-interval}", delayed = "5s")
    Uni<Void> periodicReload() {
        return reload(Cause.REFRESH);
    }

    public TriggerIndex index() {
        return state.index();
    }

    /** The trigger (active or not), or null when it does not exist (any more). */
    public TriggerSnapshot get(long id) {
        return state.byId().get(id);
    }

    /** Relations reached by the conditions of active triggers on records of {@code model}. */
    public Set<String> relations(String model) {
        Set<String> heads = state.relationsByModel().get(model);
        Set<String> any = state.relationsByModel().get("*");
        if (any == null) {
            return heads == null ? Set.of() : heads;
        }
        Set<String> all = new LinkedHashSet<>(any);
        if (heads != null) {
            all.addAll(heads);
        }
        return all;
    }

    /** Completes once the triggers have been loaded at least once (loading them now if needed). */
    public Uni<Void> ensureLoaded() {
        return loaded ? Uni.createFrom().voidItem() : reload(Cause.FIRST_USE);
    }

    /**
     * Loads every trigger and swaps in a new index: after a change made on this replica, before its
     * answer, and announced by {@link #announcement} so that only the other replicas reload on its notification.
     */
    public Uni<Void> reload() {
        return reload(Cause.CHANGE);
    }

    /** The payload of this replica's change notifications: who changed the triggers. */
    public String announcement() {
        return replica;
    }

    private Uni<Void> reload(Cause cause) {
        reloads.get(cause).increment();
        long mine = generation.incrementAndGet();
        return loadAll()
                .map(TriggerCatalog::snapshots)
                .invoke(byId -> {
                    if (mine == generation.get()) {
                        state = build(byId);
                        loaded = true;
                    }
                })
                .replaceWithVoid();
    }

    /**
     * Every stored trigger, read through its entity (the one mapping of {@code event_triggers}), in a
     * new Vert.x context of its own: a Hibernate Reactive session lives in one context, and the callers
     * (a NOTIFY handler, the scheduler, a request after its transaction, the dispatcher's loop) run in
     * different ones, or in none that is safe for a session. The result is handed back on the caller's context.
     */
    private Uni<List<EventTrigger>> loadAll() {
        return Uni.createFrom().deferred(() -> {
            Context caller = Vertx.currentContext();
            Uni<List<EventTrigger>> load = Uni.createFrom().emitter(emitter -> {
                Context own = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
                VertxContextSafetyToggle.setContextSafe(own, true);
                own.runOnContext(ignored -> Panache.withSession(() -> EventTrigger.<EventTrigger>listAll())
                        .subscribe().with(emitter::complete, emitter::fail));
            });
            return caller == null ? load : load.emitOn(task -> caller.runOnContext(ignored -> task.run()));
        });
    }

    private static Map<Long, TriggerSnapshot> snapshots(List<EventTrigger> triggers) {
        Map<Long, TriggerSnapshot> byId = new HashMap<>();
        for (EventTrigger trigger : triggers) {
            try {
                byId.put(trigger.id, TriggerSnapshot.of(trigger));
            } catch (RuntimeException e) {
                LOG.errorf(e, "trigger %d cannot be compiled; it is left out", trigger.id);
            }
        }
        return byId;
    }

    private static State build(Map<Long, TriggerSnapshot> byId) {
        List<CompiledTrigger> active = new ArrayList<>();
        Map<String, Set<String>> relations = new HashMap<>();
        for (TriggerSnapshot t : byId.values()) {
            if (t.active()) {
                active.add(t.compiled());
                String model = t.compiled().modelKey() == null ? "*" : t.compiled().modelKey();
                relations.computeIfAbsent(model, m -> new LinkedHashSet<>()).addAll(t.compiled().condition().relations());
            }
        }
        return new State(Map.copyOf(byId), new TriggerIndex(active), relations);
    }
}
