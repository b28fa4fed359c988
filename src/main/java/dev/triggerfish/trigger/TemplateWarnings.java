package dev.triggerfish.trigger;

import dev.triggerfish.template.MessageTemplate;
import dev.triggerfish.template.TemplateStore;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A trigger may name a message template that does not exist yet (the spec's examples name templates
 * 1, 2, 3, 5 and 10 that a new installation does not have): it is saved, and its answer warns about
 * each one, since such a step fails until the template is created.
 */
@ApplicationScoped
public class TemplateWarnings {
    private static final Map<String, MessageTemplate.Channel> CHANNELS = Map.of(
            "send_email", MessageTemplate.Channel.EMAIL, "send_sms", MessageTemplate.Channel.SMS);

    private final TemplateStore templates;
    private final Instance<WebhookSourceNames> sources;

    public TemplateWarnings(TemplateStore templates, Instance<WebhookSourceNames> sources) {
        this.templates = templates;
        this.sources = sources;
    }

    /**
     * One {@code {"path", "message"}} per action whose {@code template_id} names no template of its channel,
     * and one for a {@code webhook_source} that names no source (the trigger hears nothing until it is created).
     */
    public Uni<List<Map<String, Object>>> of(EventTrigger trigger) {
        List<Reference> references = references(trigger.toJson());
        return templates.channels(references.stream().map(Reference::id).distinct().toList())
                .map(found -> references.stream().filter(r -> found.get(r.id()) != r.channel()).map(TemplateWarnings::warning).toList())
                .flatMap(warnings -> withSourceWarning(trigger, warnings));
    }

    private Uni<List<Map<String, Object>>> withSourceWarning(EventTrigger trigger, List<Map<String, Object>> warnings) {
        if (!(trigger.definition.get(TriggerDefinition.WEBHOOK_SOURCE) instanceof String name) || !sources.isResolvable()) {
            return Uni.createFrom().item(warnings);
        }
        return sources.get().exists(name).map(exists -> {
            if (exists) {
                return warnings;
            }
            List<Map<String, Object>> all = new ArrayList<>(warnings);
            all.add(Map.of("path", TriggerDefinition.WEBHOOK_SOURCE, "message", "webhook source '" + name
                    + "' does not exist: the trigger hears nothing until it is created with POST /api/webhook-sources"));
            return all;
        });
    }

    /** A save answer: the trigger, with {@code warnings} when there is any. */
    public Uni<Map<String, Object>> answer(EventTrigger trigger) {
        return of(trigger).map(warnings -> {
            Map<String, Object> json = new LinkedHashMap<>(trigger.toJson());
            if (!warnings.isEmpty()) {
                json.put("warnings", warnings);
            }
            return json;
        });
    }

    private static Map<String, Object> warning(Reference r) {
        Map<String, Object> warning = new LinkedHashMap<>();
        warning.put("path", r.path());
        warning.put("message", "template " + r.id() + " does not exist (no " + r.channel().wireName()
                + " template has that id): the step fails until it is created with POST /api/templates");
        return warning;
    }

    static List<Reference> references(Map<String, Object> trigger) {
        List<Reference> found = new ArrayList<>();
        if (trigger.get("action_configuration") instanceof Map<?, ?> config && config.get("actions") instanceof List<?> actions) {
            for (int i = 0; i < actions.size(); i++) {
                String path = "action_configuration.actions[" + i + "]";
                reference(actions.get(i), path, found);
                if (actions.get(i) instanceof Map<?, ?> action && action.get("fallback") instanceof List<?> fallbacks) {
                    for (int j = 0; j < fallbacks.size(); j++) {
                        reference(fallbacks.get(j), path + ".fallback[" + j + "]", found);
                    }
                }
            }
        }
        return found;
    }

    private static void reference(Object raw, String path, List<Reference> found) {
        if (raw instanceof Map<?, ?> action && CHANNELS.containsKey(action.get("type")) && action.get("template_id") instanceof Number id) {
            found.add(new Reference(path + ".template_id", id.longValue(), CHANNELS.get(action.get("type"))));
        }
    }

    record Reference(String path, long id, MessageTemplate.Channel channel) {
    }
}
