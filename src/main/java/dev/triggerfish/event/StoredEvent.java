package dev.triggerfish.event;

import java.time.OffsetDateTime;
import java.util.Map;

/** An event as the events table holds it. */
public record StoredEvent(long id, String kind, String entityType, String entityId, Map<String, Object> oldState,
                          Map<String, Object> newState, Map<String, Object> context, String source, int chainDepth,
                          Long originTriggerId, OffsetDateTime createdAt) {
}
