package dev.triggerfish.workflow;

import dev.triggerfish.action.ActionRegistry;
import dev.triggerfish.support.FieldError;
import dev.triggerfish.trigger.InvalidTrigger;
import dev.triggerfish.trigger.TriggerDefinition;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Checks an action chain and its retry settings exactly as a trigger's are (every action type's own
 * checks, {@code on_failure}, templates, secrets), by checking them as the actions of a manual trigger:
 * one set of rules, whatever gains them later. Errors come back at the paths of the caller's body.
 */
public final class ActionChains {
    private static final String ACTIONS = "action_configuration.actions";

    private ActionChains() {
    }

    /**
     * Checks {@code actions} and the {@code allow_retries}, {@code max_retries} and {@code retry_configuration}
     * of {@code body}; {@code actionPath} turns a trigger's {@code action_configuration.actions[i]…} into the
     * caller's path. Answers the retry settings with their defaults.
     */
    public static Map<String, Object> check(Object actions, Map<String, Object> body, ActionRegistry registry,
                                            UnaryOperator<String> actionPath, List<FieldError> errors) {
        Map<String, Object> trigger = new LinkedHashMap<>();
        trigger.put("name", "action chain");
        trigger.put("trigger_type", "manual");
        trigger.put("action_configuration", actions == null ? Map.of() : Map.of("actions", actions));
        for (String key : List.of("allow_retries", "max_retries", "retry_configuration")) {
            if (body.get(key) != null) {
                trigger.put(key, body.get(key));
            }
        }
        Map<String, Object> retries = new LinkedHashMap<>();
        try {
            TriggerDefinition checked = TriggerDefinition.from(trigger, registry);
            retries.put("allow_retries", checked.allowRetries());
            retries.put("max_retries", checked.maxRetries());
            retries.put("retry_configuration", checked.retryConfiguration() == null ? Map.of() : checked.retryConfiguration());
        } catch (InvalidTrigger e) {
            for (FieldError error : e.errors()) {
                String path = error.path();
                errors.add(new FieldError(path.startsWith(ACTIONS) ? actionPath.apply(path.substring(ACTIONS.length()))
                        : path.equals("action_configuration") ? actionPath.apply("") : path, error.message()));
            }
        }
        return retries;
    }
}
