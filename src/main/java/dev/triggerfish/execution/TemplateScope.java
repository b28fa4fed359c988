package dev.triggerfish.execution;

import dev.triggerfish.condition.RelationResolver;
import dev.triggerfish.crm.CrmRecord;
import dev.triggerfish.crm.RecordRelations;
import dev.triggerfish.crm.RecordStore;
import dev.triggerfish.event.StoredEvent;
import dev.triggerfish.support.JsonText;
import dev.triggerfish.template.EntityView;
import dev.triggerfish.trigger.TriggerSnapshot;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a step's templates see: the record (from the event, or as it is now in the store), its
 * relations, the event, the trigger and the execution.
 */
@ApplicationScoped
public class TemplateScope {
    private static final Pattern ENTITY_RELATION = Pattern.compile("entity\\.([A-Za-z_][A-Za-z0-9_]*)\\.");

    private final RecordStore records;
    private final RecordRelations relations;
    private final Pool pool;
    /** The relations each trigger version's templates reach. */
    private final Map<String, Set<String>> templateRelations = new ConcurrentHashMap<>();

    public TemplateScope(RecordStore records, RecordRelations relations, Pool pool) {
        this.records = records;
        this.relations = relations;
        this.pool = pool;
    }

    /**
     * The scope of step {@code index}: the record as the event holds it, unless {@code readStore}
     * (then as the store holds it now: read with the claimed batch for the first step run, else here).
     */
    Uni<Map<String, Object>> of(ClaimedExecution execution, TriggerSnapshot trigger, int index, boolean readStore) {
        return current(execution, index, readStore)
                .map(record -> record != null ? record.toJson() : eventState(execution.event()))
                .flatMap(entity -> resolver(trigger, entity)
                        .map(resolver -> scope(execution, trigger, entity, resolver)));
    }

    private Uni<CrmRecord> current(ClaimedExecution execution, int index, boolean readStore) {
        if (!readStore || execution.entityId() == null) {
            return Uni.createFrom().nullItem();
        }
        if (execution.storeRead() && index == execution.currentStep()) {
            return Uni.createFrom().item(execution.record()); // read with its claimed batch; no step has run since
        }
        return records.find(pool, execution.entityType(), execution.entityId(), false);
    }

    private Uni<RelationResolver> resolver(TriggerSnapshot trigger, Map<String, Object> entity) {
        // a flow (no compiled conditions) shares its trigger's id and version but not its actions: not cached under them
        Set<String> heads = trigger.compiled() == null ? relationsReached(trigger.actions())
                : templateRelations.computeIfAbsent(trigger.id() + ":" + trigger.version(), key -> relationsReached(trigger.actions()));
        return heads.isEmpty() ? Uni.createFrom().item(RelationResolver.NONE) : relations.prefetch(List.of(entity), heads);
    }

    /** The scope itself, from the parts read. */
    static Map<String, Object> scope(ClaimedExecution execution, TriggerSnapshot trigger, Map<String, Object> entity,
                                     RelationResolver resolver) {
        StoredEvent event = execution.event();
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
            if ("webhook".equals(event.source())) {
                e.put("payload", event.newState()); // an inbound webhook's payload, for the steps after one that changed the record
            }
            scope.put("event", e);
            scope.put("context", event.context() == null ? Map.of() : event.context());
        }
        return scope;
    }

    /** The record's state as the event holds it: the new state, or the old one for a deletion. */
    static Map<String, Object> eventState(StoredEvent event) {
        if (event == null) {
            return new LinkedHashMap<>();
        }
        Map<String, Object> state = event.newState() != null ? event.newState() : event.oldState();
        return state == null ? new LinkedHashMap<>() : state;
    }

    /** Relations the actions' templates reach: {@code company} for {@code {{entity.company.name}}}. */
    static Set<String> relationsReached(List<Map<String, Object>> actions) {
        Set<String> heads = new LinkedHashSet<>();
        Matcher m = ENTITY_RELATION.matcher(JsonText.write(actions));
        while (m.find()) {
            heads.add(m.group(1));
        }
        return Set.copyOf(heads);
    }
}
