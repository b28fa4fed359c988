package dev.triggerfish.trigger;

import dev.triggerfish.api.ApiProblem;
import dev.triggerfish.condition.Explanation;
import dev.triggerfish.condition.RelationResolver;
import dev.triggerfish.crm.CrmRecord;
import dev.triggerfish.crm.RecordRelations;
import dev.triggerfish.crm.RecordStore;
import dev.triggerfish.support.EntityType;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Answers "why did this trigger (not) fire?": every reason that stops it, and every condition with
 * the value it saw, on a record given in the request or loaded from the record store.
 */
@ApplicationScoped
public class TriggerExplainer {
    private final RecordStore store;
    private final RecordRelations relations;

    public TriggerExplainer(RecordStore store, RecordRelations relations) {
        this.store = store;
        this.relations = relations;
    }

    public Uni<Map<String, Object>> explain(EventTrigger trigger, Map<String, Object> body) {
        Map<String, Object> previous = object(body, "previous");
        String kind = body.get("event") instanceof String e ? e : previous != null ? CompiledTrigger.UPDATED : CompiledTrigger.CREATED;
        return record(body)
                .flatMap(record -> {
                    CompiledTrigger compiled = CompiledTrigger.of(trigger);
                    Map<String, Object> subject = CompiledTrigger.subject(kind, record, previous);
                    if (subject == null) {
                        throw CompiledTrigger.DELETED.equals(kind)
                                ? ApiProblem.badRequest("previous", "a 'deleted' event is evaluated on the deleted state: give 'previous'")
                                : ApiProblem.badRequest("record", "give 'record', or 'entity_type' and 'entity_id' of a stored record");
                    }
                    return relations.prefetch(Arrays.asList(record, previous), compiled.condition().relations())
                            .map(resolver -> answer(trigger, compiled, kind, entityType(body, subject), record, previous, resolver));
                });
    }

    private static Map<String, Object> answer(EventTrigger trigger, CompiledTrigger compiled, String kind, String entityType,
                                              Map<String, Object> record, Map<String, Object> previous, RelationResolver resolver) {
        long now = System.currentTimeMillis();
        boolean deleted = CompiledTrigger.DELETED.equals(kind);
        Map<String, Object> subject = CompiledTrigger.subject(kind, record, previous);
        Explanation explanation = compiled.condition().explain(subject, deleted ? null : previous, resolver, now);
        List<String> reasons = new ArrayList<>();
        if (!trigger.isActive) {
            reasons.add("the trigger is not active");
        }
        if (!CompiledTrigger.typesFor(kind).contains(compiled.type())) {
            reasons.add("a " + compiled.type().wireName() + " trigger does not fire on '" + kind + "' events");
        }
        if (compiled.modelKey() != null && entityType != null && !compiled.modelKey().equals(entityType)) {
            reasons.add("the trigger watches '" + compiled.modelKey() + "' records, not '" + entityType + "'");
        }
        if (!explanation.matched()) {
            reasons.add("the conditions do not hold");
        } else if (compiled.type() == TriggerType.FIELD_CHANGED && previous != null
                && !compiled.condition().matchesEdge(record, previous, resolver, now)) {
            reasons.add("field_changed fires on the edge: the conditions already held before this change");
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("trigger_id", trigger.id);
        answer.put("trigger_version", trigger.version);
        answer.put("event", kind);
        answer.put("entity_type", entityType);
        answer.put("fires", reasons.isEmpty());
        answer.put("reasons", reasons);
        answer.put("conditions_hold", explanation.matched());
        answer.put("conditions", explanation.leaves());
        return answer;
    }

    private Uni<Map<String, Object>> record(Map<String, Object> body) {
        Map<String, Object> given = object(body, "record");
        if (given != null) {
            return Uni.createFrom().item(given);
        }
        Object type = body.get("entity_type");
        Object id = body.get("entity_id");
        if (type == null && id == null) {
            return Uni.createFrom().nullItem();
        }
        if (!(type instanceof String t) || !EntityType.isValid(t) || id == null) {
            throw ApiProblem.badRequest("entity_type", "give 'record', or 'entity_type' and 'entity_id' of a stored record");
        }
        String key = dev.triggerfish.api.Ids.text(id);
        if (key == null) {
            throw ApiProblem.badRequest("entity_id", "must be a string or a whole number (exact: at most 2^53)");
        }
        return store.get(EntityType.canonical(t), key).map(CrmRecord::toJson);
    }

    private static String entityType(Map<String, Object> body, Map<String, Object> subject) {
        Object type = body.get("entity_type") != null ? body.get("entity_type") : subject.get("type");
        return type instanceof String t && EntityType.isValid(t) ? EntityType.canonical(t) : null;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Map<String, Object> body, String key) {
        Object value = body.get(key);
        if (value != null && !(value instanceof Map<?, ?>)) {
            throw ApiProblem.badRequest(key, "must be a JSON object");
        }
        return (Map<String, Object>) value;
    }
}
