package dev.triggerfish.execution;

import dev.triggerfish.action.ActionContext;
import dev.triggerfish.action.ActionRegistry;
import dev.triggerfish.condition.RelationResolver;
import dev.triggerfish.crm.RecordRelations;
import dev.triggerfish.event.StoredEvent;
import dev.triggerfish.template.Secrets;
import dev.triggerfish.template.TemplateRenderer;
import dev.triggerfish.trigger.TriggerSnapshot;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A trigger's actions rendered for an event as its first run would render them, with no side effect
 * at all: each handler's {@code preview}, never its {@code execute}; secrets redacted. The scope is the
 * runner's own ({@link TemplateScope#scope}), for an execution that does not exist (id 0).
 */
@ApplicationScoped
public class ActionPreview {
    private final ActionRegistry actions;
    private final TemplateRenderer templates;
    private final RecordRelations relations;
    private final Secrets secrets;

    public ActionPreview(ActionRegistry actions, TemplateRenderer templates, RecordRelations relations, Secrets secrets) {
        this.actions = actions;
        this.templates = templates;
        this.relations = relations;
        this.secrets = secrets;
    }

    public Uni<List<Map<String, Object>>> render(TriggerSnapshot trigger, StoredEvent event) {
        Map<String, Object> entity = TemplateScope.eventState(event);
        Set<String> heads = TemplateScope.relationsReached(trigger.actions());
        Uni<RelationResolver> resolver = heads.isEmpty() ? Uni.createFrom().item(RelationResolver.NONE) : relations.prefetch(List.of(entity), heads);
        return resolver.map(r -> {
            ClaimedExecution none = new ClaimedExecution(0, trigger.id(), trigger.version(), event.id(), event.entityType(), event.entityId(),
                    0, 1, event, true);
            Map<String, Object> scope = TemplateScope.scope(none, trigger, entity, r);
            List<Map<String, Object>> rendered = new ArrayList<>();
            for (int i = 0; i < trigger.actions().size(); i++) {
                rendered.add(one(new ActionStep(none, trigger, i, actions.find(String.valueOf(trigger.actions().get(i).get("type")))), scope));
            }
            return rendered;
        });
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> one(ActionStep step, Map<String, Object> scope) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("step_index", step.index());
        out.put("type", step.type());
        if (step.handler() == null) {
            out.put("error", "unknown action type '" + step.type() + "'");
            return out;
        }
        ActionContext context = step.context(scope, templates);
        try {
            out.put("rendered", secrets.redactJson(step.handler().preview(context)));
        } catch (RuntimeException e) {
            // what the step would fail with: a template that does not render, or past its bounds
            out.put("error", secrets.redact(String.valueOf(e.getMessage())));
        }
        if (!context.missing().isEmpty()) {
            out.put("missing_values", List.copyOf(context.missing()));
        }
        return out;
    }
}
