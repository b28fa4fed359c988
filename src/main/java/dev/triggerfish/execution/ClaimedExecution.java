package dev.triggerfish.execution;

import dev.triggerfish.crm.CrmRecord;
import dev.triggerfish.event.StoredEvent;

/**
 * An execution this replica holds a claim on, with the event that fired it (null if that was pruned),
 * whether that event still holds its record's current state ({@code fresh}: its templates render the
 * event's state, no store read), and, when {@code storeRead}, its record as the store held it at the
 * claim ({@code record}, null when the store has none): read for a whole claimed batch in one query;
 * and the {@link Flow} it runs when that is not its trigger's actions.
 */
public record ClaimedExecution(long id, long triggerId, int triggerVersion, long eventId, String entityType, String entityId,
                               int currentStep, int attempt, StoredEvent event, boolean fresh, boolean storeRead, CrmRecord record,
                               Flow flow) {

    public ClaimedExecution(long id, long triggerId, int triggerVersion, long eventId, String entityType, String entityId,
                            int currentStep, int attempt, StoredEvent event, boolean fresh) {
        this(id, triggerId, triggerVersion, eventId, entityType, entityId, currentStep, attempt, event, fresh, false, null, null);
    }

    /** An execution that runs {@code flow} (a workflow's child, a cadence step) rather than its trigger's actions when not null. */
    public ClaimedExecution(long id, long triggerId, int triggerVersion, long eventId, String entityType, String entityId,
                            int currentStep, int attempt, StoredEvent event, boolean fresh, Flow flow) {
        this(id, triggerId, triggerVersion, eventId, entityType, entityId, currentStep, attempt, event, fresh, false, null, flow);
    }

    /** This execution with its record as read from the store (null: the store has none). */
    public ClaimedExecution withRecord(CrmRecord current) {
        return new ClaimedExecution(id, triggerId, triggerVersion, eventId, entityType, entityId, currentStep, attempt, event, fresh,
                true, current, flow);
    }
}
