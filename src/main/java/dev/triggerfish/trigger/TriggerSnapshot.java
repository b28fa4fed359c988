package dev.triggerfish.trigger;

import java.util.List;
import java.util.Map;

/**
 * One trigger version as the engine runs it: its settings, its actions, and its compiled conditions.
 *
 * @param definition {@code trigger_conditions}, {@code action_configuration}, {@code rate_limiting}, {@code retry_configuration}
 */
public record TriggerSnapshot(long id, int version, String name, boolean active, boolean debugMode, boolean allowRetries,
                              int maxRetries, int delayMinutes, Map<String, Object> definition, CompiledTrigger compiled) {

    /** The stored trigger as the engine runs it, its conditions compiled (throws when they cannot be). */
    public static TriggerSnapshot of(EventTrigger trigger) {
        return new TriggerSnapshot(trigger.id, trigger.version, trigger.name, trigger.isActive, trigger.debugMode, trigger.allowRetries,
                trigger.maxRetries, trigger.delayMinutes, trigger.definition, CompiledTrigger.of(trigger));
    }

    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> actions() {
        Object config = definition.get("action_configuration");
        Object actions = config instanceof Map<?, ?> m ? m.get("actions") : null;
        return actions instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> retryConfiguration() {
        Object retry = definition.get("retry_configuration");
        return retry instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> rateLimiting() {
        Object limits = definition.get("rate_limiting");
        return limits instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
    }
}
