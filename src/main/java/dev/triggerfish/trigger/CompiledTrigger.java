package dev.triggerfish.trigger;

import dev.triggerfish.condition.CompiledCondition;
import dev.triggerfish.condition.RelationResolver;

import java.util.List;
import java.util.Map;

/**
 * A trigger ready to match events: its conditions compiled once for this version. Which events it
 * listens to follows its type: {@code model_created} → created, {@code model_updated} and
 * {@code field_changed} → updated, {@code model_deleted} → deleted (the conditions see the deleted
 * state), {@code webhook} → any other event kind; {@code time_based} and {@code manual} are started by
 * the scheduler and the API, never by an event.
 */
public record CompiledTrigger(long id, int version, TriggerType type, String modelKey, CompiledCondition condition, String webhookSource) {
    public static final String CREATED = "created";
    public static final String UPDATED = "updated";
    public static final String DELETED = "deleted";
    private static final List<TriggerType> ON_CREATE = List.of(TriggerType.MODEL_CREATED);
    private static final List<TriggerType> ON_UPDATE = List.of(TriggerType.MODEL_UPDATED, TriggerType.FIELD_CHANGED);
    private static final List<TriggerType> ON_DELETE = List.of(TriggerType.MODEL_DELETED);
    private static final List<TriggerType> ON_OTHER = List.of(TriggerType.WEBHOOK);

    /** A trigger that hears every source. */
    public CompiledTrigger(long id, int version, TriggerType type, String modelKey, CompiledCondition condition) {
        this(id, version, type, modelKey, condition, null);
    }

    public static CompiledTrigger of(EventTrigger trigger) {
        return new CompiledTrigger(trigger.id, trigger.version, TriggerType.fromWireName(trigger.triggerType), trigger.modelKey,
                CompiledCondition.compile(trigger.definition.get("trigger_conditions"), "trigger_conditions"),
                trigger.definition.get(TriggerDefinition.WEBHOOK_SOURCE) instanceof String s ? s : null);
    }

    /**
     * Whether an event from inbound webhook source {@code source} (null: not an inbound webhook) may
     * fire this trigger: a {@code webhook_source} restricts a webhook trigger to that one source.
     */
    public boolean hears(String source) {
        return webhookSource == null || webhookSource.equals(source);
    }

    /** The trigger types that an event of this kind can fire. */
    public static List<TriggerType> typesFor(String kind) {
        return switch (kind) {
            case CREATED -> ON_CREATE;
            case UPDATED -> ON_UPDATE;
            case DELETED -> ON_DELETE;
            default -> ON_OTHER;
        };
    }

    /** The state the conditions are evaluated on: the deleted state for a delete, else the new one. */
    public static Map<String, Object> subject(String kind, Map<String, Object> record, Map<String, Object> previous) {
        return DELETED.equals(kind) ? previous : record;
    }

    /**
     * Whether an event of {@code kind} on a record of this trigger's model fires it.
     *
     * @param record   the new state (null for a delete)
     * @param previous the old state (null for a create)
     */
    public boolean fires(String kind, Map<String, Object> record, Map<String, Object> previous, RelationResolver resolver, long nowMillis) {
        if (!typesFor(kind).contains(type)) {
            return false;
        }
        return switch (type) {
            case MODEL_CREATED, WEBHOOK -> condition.matches(record, null, resolver, nowMillis);
            case MODEL_UPDATED -> condition.matches(record, previous, resolver, nowMillis);
            case FIELD_CHANGED -> condition.matchesEdge(record, previous, resolver, nowMillis);
            case MODEL_DELETED -> condition.matches(previous, null, resolver, nowMillis);
            case TIME_BASED, MANUAL -> false;
        };
    }
}
