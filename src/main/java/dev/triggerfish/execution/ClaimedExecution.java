package dev.triggerfish.execution;

/** An execution this replica holds a claim on. */
public record ClaimedExecution(long id, long triggerId, int triggerVersion, long eventId, String entityType, String entityId,
                               int currentStep, int attempt) {
}
