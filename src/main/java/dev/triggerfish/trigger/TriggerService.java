package dev.triggerfish.trigger;

import dev.triggerfish.action.ActionRegistry;
import dev.triggerfish.api.Paging;
import dev.triggerfish.audit.AuditLog;
import dev.triggerfish.support.VersionConflict;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheQuery;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Trigger definitions: every change validates the whole definition and is one transaction; a change
 * names the version it expects (If-Match) or loses cleanly to a concurrent one (optimistic lock).
 */
@ApplicationScoped
public class TriggerService {
    private final ActionRegistry actions;
    private final AuditLog audit;
    private final TriggerCatalog catalog;

    public TriggerService(ActionRegistry actions, AuditLog audit, TriggerCatalog catalog) {
        this.actions = actions;
        this.audit = audit;
        this.catalog = catalog;
    }

    @WithTransaction
    public Uni<EventTrigger> create(Map<String, Object> body, String actor) {
        return Uni.createFrom().item(() -> TriggerDefinition.from(body, actions))
                .map(definition -> {
                    EventTrigger trigger = new EventTrigger();
                    trigger.apply(definition);
                    return trigger;
                })
                .call(trigger -> trigger.persistAndFlush())
                .call(trigger -> audited(actor, "created", trigger, null))
                .call(this::announce);
    }

    @WithSession
    public Uni<EventTrigger> get(long id) {
        return EventTrigger.<EventTrigger>findById(id)
                .onItem().ifNull().failWith(() -> new TriggerNotFound(id));
    }

    @WithSession
    public Uni<TriggerPage> list(TriggerFilter filter, Paging paging) {
        List<String> where = new ArrayList<>();
        Map<String, Object> params = new HashMap<>();
        if (filter.triggerType() != null) {
            where.add("triggerType = :type");
            params.put("type", filter.triggerType());
        }
        if (filter.modelKey() != null) {
            where.add("modelKey = :model");
            params.put("model", filter.modelKey());
        }
        if (filter.isActive() != null) {
            where.add("isActive = :active");
            params.put("active", filter.isActive());
        }
        String query = (where.isEmpty() ? "" : String.join(" and ", where) + " ") + "order by id";
        PanacheQuery<EventTrigger> found = EventTrigger.find(query, params).page(paging.page() - 1, paging.perPage());
        return found.count()
                .flatMap(total -> found.list().map(list -> new TriggerPage(list, paging, total)));
    }

    /** PUT: the body is the whole new definition. */
    @WithTransaction
    public Uni<EventTrigger> replace(long id, Map<String, Object> body, Integer expectedVersion, String actor) {
        Map<String, Object> before = new HashMap<>();
        return Uni.createFrom().item(() -> TriggerDefinition.from(body, actions))
                .flatMap(definition -> locked(id, expectedVersion, body)
                        .invoke(trigger -> before.putAll(trigger.toJson()))
                        .invoke(trigger -> trigger.apply(definition)))
                .call(() -> Panache.flush())
                .call(trigger -> audited(actor, "updated", trigger, before))
                .call(this::announce);
    }

    /** PATCH: a JSON merge patch (RFC 7386) on the trigger's JSON; the result is validated whole. */
    @WithTransaction
    public Uni<EventTrigger> patch(long id, Map<String, Object> patch, Integer expectedVersion, String actor) {
        Map<String, Object> before = new HashMap<>();
        return locked(id, expectedVersion, patch)
                .invoke(trigger -> {
                    before.putAll(trigger.toJson());
                    Map<String, Object> merged = MergePatch.apply(editable(trigger), patch);
                    trigger.apply(TriggerDefinition.from(merged, actions));
                })
                .call(() -> Panache.flush())
                .call(trigger -> audited(actor, "updated", trigger, before))
                .call(this::announce);
    }

    @WithTransaction
    public Uni<EventTrigger> setActive(long id, boolean active, String actor) {
        return locked(id, null, Map.of())
                .invoke(trigger -> {
                    trigger.isActive = active;
                    trigger.updatedAt = java.time.OffsetDateTime.now();
                })
                .call(() -> Panache.flush())
                .call(trigger -> Panache.getSession().flatMap(session -> audit.record(session, actor, active ? "activated" : "deactivated",
                        "trigger", String.valueOf(trigger.id), Map.of("is_active", active, "version", trigger.version))))
                .call(this::announce);
    }

    @WithTransaction
    public Uni<Void> delete(long id, Integer expectedVersion, String actor) {
        Map<String, Object> before = new HashMap<>();
        return locked(id, expectedVersion, Map.of())
                .invoke(trigger -> before.putAll(trigger.toJson()))
                .call(trigger -> trigger.delete())
                .call(trigger -> Panache.getSession().flatMap(session -> audit.record(session, actor, "deleted", "trigger",
                        String.valueOf(id), Map.of("before", before))))
                .call(this::announce)
                .replaceWithVoid();
    }

    /** The audit entry of a created or updated trigger, in the change's transaction. */
    private Uni<Void> audited(String actor, String action, EventTrigger trigger, Map<String, Object> before) {
        Map<String, Object> change = new LinkedHashMap<>();
        if (before != null) {
            change.put("before", before);
        }
        change.put("after", trigger.toJson());
        return Panache.getSession().flatMap(session -> audit.record(session, actor, action, "trigger", String.valueOf(trigger.id), change));
    }

    /** The trigger, checked against the version the client expects (If-Match header, or {@code version} in the body). */
    private Uni<EventTrigger> locked(long id, Integer ifMatch, Map<String, Object> body) {
        return get(id).invoke(trigger -> {
            if (ifMatch != null && ifMatch != trigger.version) {
                throw VersionConflict.ifMatch("trigger", id, trigger.version, ifMatch);
            }
            Object bodyVersion = body.get("version");
            if (bodyVersion instanceof Number n && n.intValue() != trigger.version) {
                throw VersionConflict.inBody("trigger", id, trigger.version, n);
            }
        });
    }

    /** Tells every other replica, at commit, that triggers changed (see {@link TriggerCatalog}). */
    private Uni<Object> announce(Object ignored) {
        return Panache.getSession()
                .flatMap(session -> session.createNativeQuery("select cast(pg_notify(?1, ?2) as text)")
                        .setParameter(1, TriggerCatalog.CHANNEL)
                        .setParameter(2, catalog.announcement())
                        .getSingleResultOrNull());
    }

    /** The writable fields of the trigger's JSON. */
    private static Map<String, Object> editable(EventTrigger trigger) {
        Map<String, Object> json = new LinkedHashMap<>(trigger.toJson());
        TriggerDefinition.READ_ONLY.forEach(json::remove);
        json.values().removeIf(v -> v == null);
        return json;
    }
}
