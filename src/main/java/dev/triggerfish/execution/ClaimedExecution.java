package dev.triggerfish.execution;

import dev.triggerfish.crm.CrmRecord;
import dev.triggerfish.event.StoredEvent;

/**
 * An execution this replica holds a claim on, with the event that fired it (null if that was pruned)
 * and, when {@code storeRead}, its record as the store held it at the claim ({@code record}, null when
 * the store has none): read for a whole claimed batch in one query.
 */
public record ClaimedExecution(long id, long triggerId, int triggerVersion, long eventId, String entityType, String entityId,
                               int currentStep, int attempt, StoredEvent event, boolean storeRead, CrmRecord record) {

    public ClaimedExecution(long id, long triggerId, int triggerVersion, long eventId, String entityType, String entityId,
                            int currentStep, int attempt, StoredEvent event) {
        this(id, triggerId, triggerVersion, eventId, entityType, entityId, currentStep, attempt, event, false, null);
    }

    /** This execution with its record as read from the store (null: the store has none). */
    public ClaimedExecution withRecord(CrmRecord current) {
        return new ClaimedExecution(id, triggerId, triggerVersion, eventId, entityType, entityId, currentStep, attempt, event, true, current);
    }
}
