package dev.triggerfish.event;

import java.util.Map;

/**
 * An event to store: a change to a record (or a custom event) from one of the sources.
 *
 * @param kind            created, updated, deleted, or a custom name
 * @param entityType      canonical record type
 * @param oldState        the record before (updates and deletes)
 * @param newState        the record after (creates and updates)
 * @param chainDepth      0 for an outside change; an action's change is its event's depth + 1
 * @param originTriggerId the trigger whose action made this change, or null
 * @param clientEventId   an id the sender chose: sending it again stores nothing new
 */
public record NewEvent(String kind, String entityType, String entityId, Map<String, Object> oldState,
                       Map<String, Object> newState, Map<String, Object> changes, Map<String, Object> context,
                       String source, int chainDepth, Long originTriggerId, String clientEventId) {
    /** The {@code clientEventId} prefix of inbound webhooks ({@code webhook:<source>:<webhook-id>}), refused in API events. */
    public static final String WEBHOOK_ID_PREFIX = "webhook:";
    /** The {@code clientEventId} prefix of the events of time-based slots ({@code schedule:<slot>:<type>/<id>}), refused in API events. */
    public static final String SCHEDULE_ID_PREFIX = "schedule:";

    /**
     * The prefix of {@code clientId} that the engine keeps for its own deduplication, with what it is for;
     * null when there is none. An API event with such an id could pre-empt a delivery or a slot's
     * execution (the engine would find "its" event already stored, with what the client put in it).
     */
    public static String reservedPrefix(String clientId) {
        return clientId.startsWith(WEBHOOK_ID_PREFIX) ? WEBHOOK_ID_PREFIX + "' (reserved for the webhook-id of inbound webhooks)"
                : clientId.startsWith(SCHEDULE_ID_PREFIX) ? SCHEDULE_ID_PREFIX + "' (reserved for the slots of time-based triggers)"
                : null;
    }

    public static NewEvent change(String kind, String entityType, String entityId, Map<String, Object> oldState,
                                  Map<String, Object> newState, String source, int chainDepth, Long originTriggerId) {
        return new NewEvent(kind, entityType, entityId, oldState, newState, null, null, source, chainDepth, originTriggerId, null);
    }
}
