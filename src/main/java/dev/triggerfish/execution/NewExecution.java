package dev.triggerfish.execution;

import java.time.OffsetDateTime;

/** An execution to create: one trigger fired by one event. */
public record NewExecution(long triggerId, int triggerVersion, long eventId, String entityType, String entityId,
                           ExecutionStatus status, OffsetDateTime nextAttemptAt, String error, String rateLimitedWindow) {

    public NewExecution(long triggerId, int triggerVersion, long eventId, String entityType, String entityId,
                        ExecutionStatus status, OffsetDateTime nextAttemptAt, String error) {
        this(triggerId, triggerVersion, eventId, entityType, entityId, status, nextAttemptAt, error, null);
    }
}
