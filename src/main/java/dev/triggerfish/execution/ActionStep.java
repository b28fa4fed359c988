package dev.triggerfish.execution;

import dev.triggerfish.action.ActionContext;
import dev.triggerfish.action.ActionHandler;
import dev.triggerfish.crm.ChangeOrigin;
import dev.triggerfish.event.StoredEvent;
import dev.triggerfish.template.TemplateRenderer;
import dev.triggerfish.trigger.TriggerSnapshot;

import java.util.List;
import java.util.Map;

/**
 * Step {@code index} of an execution: the trigger's action at that index, or, when {@code fallback} is
 * n &gt; 0, the n-th of the actions that run in its place once it failed for good ({@code fallback: [...]});
 * and its handler (null for an action type this version does not know).
 */
record ActionStep(ClaimedExecution execution, TriggerSnapshot trigger, int index, ActionHandler handler, int fallback) {

    ActionStep(ClaimedExecution execution, TriggerSnapshot trigger, int index, ActionHandler handler) {
        this(execution, trigger, index, handler, 0);
    }

    /** The trigger's action at this index (the one a fallback replaces). */
    Map<String, Object> mainAction() {
        return trigger.actions().get(index);
    }

    /** The action this step runs. */
    Map<String, Object> action() {
        return fallback == 0 ? mainAction() : fallbacks().get(fallback - 1);
    }

    /** The actions that run in place of the main action when it fails for good (validated: a list of action objects). */
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> fallbacks() {
        return mainAction().get("fallback") instanceof List<?> list ? (List<Map<String, Object>>) list : List.of();
    }

    /** Fallback action {@code n} of this step, run by {@code handler}. */
    ActionStep fallbackStep(int n, ActionHandler fallbackHandler) {
        return new ActionStep(execution, trigger, index, fallbackHandler, n);
    }

    String type() {
        return String.valueOf(action().get("type"));
    }

    /** Whether this is the trigger's last action (or one of its fallbacks). */
    boolean last() {
        return index == trigger.actions().size() - 1;
    }

    /** Whether nothing runs at this index after this step once it completes: the main action, or the last of its fallbacks. */
    boolean lastAtItsIndex() {
        return fallback == 0 || fallback == fallbacks().size();
    }

    /** {@code on_failure: continue} (of the main action): when this step fails for good, the execution goes on with the next one. */
    boolean continuesOnFailure() {
        return "continue".equals(mainAction().get("on_failure"));
    }

    /** Whether the step runs in the transaction that checkpoints it (its action changes records). */
    boolean needsRecord() {
        return handler != null && handler.needsRecord();
    }

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
                scope, templates, handler != null && handler.seesSecrets()).asFallback(fallback);
    }
}
