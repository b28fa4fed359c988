package dev.triggerfish.execution;

import dev.triggerfish.action.ActionContext;
import dev.triggerfish.action.ActionHandler;
import dev.triggerfish.crm.ChangeOrigin;
import dev.triggerfish.event.StoredEvent;
import dev.triggerfish.template.TemplateRenderer;
import dev.triggerfish.trigger.TriggerSnapshot;

import java.util.Map;

/**
 * Step {@code index} of an execution: the trigger's action at that index and its handler (null for an
 * action type this version does not know).
 */
record ActionStep(ClaimedExecution execution, TriggerSnapshot trigger, int index, ActionHandler handler) {

    Map<String, Object> action() {
        return trigger.actions().get(index);
    }

    String type() {
        return String.valueOf(action().get("type"));
    }

    boolean last() {
        return index == trigger.actions().size() - 1;
    }

    /** {@code on_failure: continue}: when this step fails for good, the execution goes on with the next one. */
    boolean continuesOnFailure() {
        return "continue".equals(action().get("on_failure"));
    }

    /** Whether the step runs in the transaction that checkpoints it (its action changes records). */
    boolean changesRecords() {
        return handler != null && handler.changesRecords();
    }

    /** The origin stamped on the record changes the step makes: one level deeper in the chain than its event. */
    ChangeOrigin origin() {
        StoredEvent event = execution.event();
        return new ChangeOrigin("action", (event == null ? 0 : event.chainDepth()) + 1, trigger.id());
    }

    /**
     * The step's context. Only actions that authenticate outbound calls (webhooks) see the secrets: a
     * record is read by every CRM user and sent on in events, and an email is read by a person.
     */
    ActionContext context(Map<String, Object> scope, TemplateRenderer templates) {
        return new ActionContext(action(), execution.id(), index, trigger.id(), execution.entityType(), execution.entityId(), origin(),
                scope, templates, handler != null && handler.seesSecrets());
    }
}
