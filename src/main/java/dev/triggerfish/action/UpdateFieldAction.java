package dev.triggerfish.action;

import dev.triggerfish.condition.FieldPath;
import dev.triggerfish.crm.RecordInput;
import dev.triggerfish.crm.RecordStore;
import dev.triggerfish.template.Escaping;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** {@code update_field}: sets {@code field} to {@code value}, and fields computed by {@code variable_mappings}. */
@Singleton
public class UpdateFieldAction implements ActionHandler {

    @Inject
    RecordStore records;

    @Override
    public String type() {
        return "update_field";
    }

    @Override
    public void validate(ConfigCheck action) {
        action.requireText("field");
        if (action.object().get("field") instanceof String f && List.of("id", "type", "version", "created_at", "updated_at").contains(f)) {
            action.error("field", "'" + f + "' is written by Triggerfish and cannot be set");
        }
        if (!action.object().containsKey("value") && !action.has("variable_mappings")) {
            action.error("value", "is required (or give variable_mappings)");
        }
        action.optionalObject("variable_mappings");
        if (action.object().get("variable_mappings") instanceof Map<?, ?> mappings) {
            mappings.forEach((name, mapping) -> VariableMappings.check(action, "variable_mappings." + name, mapping));
        }
    }

    @Override
    public boolean changesRecords() {
        return true;
    }

    @Override
    public Uni<StepResult> execute(ActionContext ctx) {
        Map<String, Object> values = new LinkedHashMap<>();
        if (ctx.action().containsKey("value")) {
            values.put(ctx.text("field"), ctx.renderJson(ctx.action().get("value")));
        }
        if (ctx.action().get("variable_mappings") instanceof Map<?, ?> mappings) {
            mappings.forEach((name, mapping) -> values.put(name.toString(), mapped((Map<?, ?>) mapping, ctx)));
        }
        return records.update(ctx.tx(), ctx.entityType(), ctx.entityId(), null, current -> apply(current, values), ctx.origin())
                .map(change -> StepResult.completed(Map.of("set", values)));
    }

    private static RecordInput apply(RecordInput current, Map<String, Object> values) {
        Map<String, Object> attributes = new LinkedHashMap<>(current.attributes());
        List<String> tags = current.tags();
        String assignee = current.assignedTo();
        for (Map.Entry<String, Object> e : values.entrySet()) {
            switch (e.getKey()) {
                case "tags" -> tags = e.getValue() instanceof List<?> l ? l.stream().map(String::valueOf).toList() : new ArrayList<>();
                case "assigned_to" -> assignee = e.getValue() == null ? null : e.getValue().toString();
                default -> attributes.put(e.getKey(), e.getValue());
            }
        }
        return new RecordInput(current.id(), attributes, tags, assignee);
    }

    private static Object mapped(Map<?, ?> mapping, ActionContext ctx) {
        return switch (String.valueOf(mapping.get("source"))) {
            case "computed" -> switch (String.valueOf(mapping.get("computation"))) {
                case "current_date" -> LocalDate.now(ZoneOffset.UTC).toString();
                case "uuid" -> UUID.randomUUID().toString();
                default -> Instant.now().toString();
            };
            case "entity" -> ctx.scope().get("entity") instanceof Map<?, ?> entity
                    ? FieldPath.of(String.valueOf(mapping.get("field"))).read(cast(entity), null)
                    : null;
            case "context" -> ctx.scope().get("context") instanceof Map<?, ?> context ? context.get(mapping.get("key")) : null;
            default -> ctx.renderJson(mapping.get("value"));
        };
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }
}
