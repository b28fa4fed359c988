package dev.triggerfish.execution;
import dev.triggerfish.event.StoredEvent;

/** An execution this replica holds a claim on, with the event that fired it (null if that was pruned). */
public record ClaimedExecution(long id, long triggerId, int triggerVersion, long eventId, String entityType, String entityId,
                               int currentStep, int attempt, StoredEvent event) {
}
