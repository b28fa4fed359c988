package dev.triggerfish.execution;

import dev.triggerfish.trigger.TriggerDefinition;
import dev.triggerfish.trigger.TriggerSnapshot;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The action chain an execution runs when it is not its trigger's own: a workflow's (the child of a
 * {@code trigger_workflow} step) or one cadence step's. It is written into the execution when the
 * execution is created ({@code trigger_executions.flow}), with its retry settings, so the run does not
 * change when the workflow or cadence is edited, and a retried step resumes in the chain it started in.
 *
 * @param name the chain's name, {@code workflow 7 (Onboarding)} or {@code cadence 2 step 1 (Nurture)}: its templates see it as
 *             {@code {{trigger.name}}} ({@code {{trigger.id}}} stays the trigger's)
 */
public record Flow(String name, List<Map<String, Object>> actions, boolean allowRetries, int maxRetries,
                   Map<String, Object> retryConfiguration) {

    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", name);
        json.put("actions", actions);
        json.put("allow_retries", allowRetries);
        json.put("max_retries", maxRetries);
        json.put("retry_configuration", retryConfiguration);
        return json;
    }

    @SuppressWarnings("unchecked")
    static Flow fromJson(Map<String, Object> json) {
        if (json == null) {
            return null;
        }
        Object actions = json.get("actions");
        Object retry = json.get("retry_configuration");
        return new Flow(String.valueOf(json.get("name")), actions instanceof List<?> l ? (List<Map<String, Object>>) l : List.of(),
                !Boolean.FALSE.equals(json.get("allow_retries")),
                json.get("max_retries") instanceof Number n ? n.intValue() : TriggerDefinition.DEFAULT_MAX_RETRIES,
                retry instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of());
    }

    /**
     * The flow as the runner runs a trigger: on behalf of the trigger that started it (its id, for the
     * history and the chain's origin), always active. No compiled conditions: a flow has none.
     */
    TriggerSnapshot snapshot(long triggerId, int triggerVersion) {
        Map<String, Object> definition = new LinkedHashMap<>();
        definition.put("action_configuration", Map.of("actions", actions));
        definition.put("retry_configuration", retryConfiguration);
        return new TriggerSnapshot(triggerId, triggerVersion, name, true, false, allowRetries, maxRetries, 0, definition, null);
    }
}
