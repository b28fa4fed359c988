package dev.triggerfish.event;

import java.time.OffsetDateTime;
import java.util.Map;

/** An event as the events table holds it. */
public record StoredEvent(long id, String kind, String entityType, String entityId, Map<String, Object> oldState,
                          Map<String, Object> newState, Map<String, Object> context, String source, int chainDepth,
                          Long originTriggerId, OffsetDateTime createdAt) {

    /**
     * Sources of the events the engine stores together with the one execution they are for (a manual run,
     * a workflow's child, a cadence step, a time-based slot's record): the dispatcher never matches them
     * against triggers, so neither do explain and backtest.
     */
    public static final java.util.Set<String> OWN_WORK = java.util.Set.of("manual", "workflow", "cadence", "schedule");

    /** The inbound webhook source this event came from (its context says which, when its source is 'webhook'), else null. */
    public String webhookSource() {
        return "webhook".equals(source) && context != null && context.get("webhook_source") instanceof String s ? s : null;
    }

    /** Whether the dispatcher matches this event against the triggers (see {@link #OWN_WORK}). */
    public boolean matched() {
        return !OWN_WORK.contains(source);
    }
}
