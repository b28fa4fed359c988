package dev.triggerfish.event;

import java.time.OffsetDateTime;

/**
 * An event as {@code GET /api/events/{id}} answers it: as stored (its states as whatever JSON they
 * hold, so that even an event that could not be dispatched can be looked at), and where its dispatch
 * stands: {@code status} (an {@link EventStatus} wire name: new, dispatching, dispatched, failed), {@code attempts},
 * {@code error}.
 */
public record EventState(long id, String kind, String entityType, String entityId, Object oldState, Object newState, Object context,
                         String source, int chainDepth, Long originTriggerId, OffsetDateTime createdAt, String status, int attempts,
                         String error, OffsetDateTime processedAt) {
}
