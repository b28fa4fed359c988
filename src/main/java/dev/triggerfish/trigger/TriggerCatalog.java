package dev.triggerfish.trigger;

import dev.triggerfish.support.JsonText;
import dev.triggerfish.support.Notifications;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.annotation.Priority;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every trigger, compiled, with the index of the active ones. Kept fresh on every replica: a trigger
 * change NOTIFYs {@value #CHANNEL}, each replica reloads; a periodic reload covers a lost notification.
 * Reloads build a new index and swap it in; readers never lock.
 */
@ApplicationScoped
public class TriggerCatalog {
    public static final String CHANNEL = "triggerfish_triggers";
    private static final Logger LOG = Logger.getLogger(TriggerCatalog.class);

    private final Pool pool;
    private final Notifications notifications;
    private final AtomicLong generation = new AtomicLong();
    private volatile State state = new State(Map.of(), TriggerIndex.EMPTY, Map.of());
    private volatile boolean loaded;

    private record State(Map<Long, TriggerSnapshot> byId, TriggerIndex index, Map<String, Set<String>> relationsByModel) {
    }

    public TriggerCatalog(Pool pool, Notifications notifications) {
        this.pool = pool;
        this.notifications = notifications;
    }

    void start(@Observes @Priority(10) StartupEvent event) {
        notifications.listen(CHANNEL, () -> reload().subscribe().with(ignored -> { }, e -> LOG.warn("trigger reload failed", e)));
    }

    @Scheduled(every = "${triggerfish.catalog.refresh-interval}", delayed = "5s")
    Uni<Void> periodicReload() {
        return reload();
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
        return loaded ? Uni.createFrom().voidItem() : reload();
    }

    /** Loads every trigger and swaps in a new index. */
    public Uni<Void> reload() {
        long mine = generation.incrementAndGet();
        return pool.query("""
                        select id, version, name, trigger_type, model_key, definition::text as definition, is_active, debug_mode,
                               allow_retries, max_retries, delay_minutes
                        from event_triggers""")
                .execute()
                .map(rows -> {
                    Map<Long, TriggerSnapshot> byId = new HashMap<>();
                    for (Row row : rows) {
                        TriggerSnapshot snapshot = snapshot(row);
                        if (snapshot != null) {
                            byId.put(snapshot.id(), snapshot);
                        }
                    }
                    return byId;
                })
                .invoke(byId -> {
                    if (mine == generation.get()) {
                        state = build(byId);
                        loaded = true;
                    }
                })
                .replaceWithVoid();
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

    private static TriggerSnapshot snapshot(Row row) {
        long id = row.getLong("id");
        try {
            Map<String, Object> definition = JsonText.readObject(row.getString("definition"));
            int version = row.getInteger("version");
            TriggerType type = TriggerType.fromWireName(row.getString("trigger_type"));
            CompiledTrigger compiled = new CompiledTrigger(id, version, type, row.getString("model_key"),
                    dev.triggerfish.condition.CompiledCondition.compile(definition.get("trigger_conditions"), "trigger_conditions"));
            return new TriggerSnapshot(id, version, row.getString("name"), row.getBoolean("is_active"), row.getBoolean("debug_mode"),
                    row.getBoolean("allow_retries"), row.getInteger("max_retries"), row.getInteger("delay_minutes"), definition, compiled);
        } catch (RuntimeException e) {
            LOG.errorf(e, "trigger %d cannot be compiled; it is left out", id);
            return null;
        }
    }
}
