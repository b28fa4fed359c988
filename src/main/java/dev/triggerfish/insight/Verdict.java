package dev.triggerfish.insight;

import dev.triggerfish.condition.Explanation;
import dev.triggerfish.condition.RelationResolver;
import dev.triggerfish.dispatch.ChainRule;
import dev.triggerfish.event.StoredEvent;
import dev.triggerfish.execution.ExecutionStatus;
import dev.triggerfish.trigger.CompiledTrigger;
import dev.triggerfish.trigger.TriggerType;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Why one trigger fired or not for one stored event, decided in the dispatcher's order: active, the
 * event kind its type listens to, its model, the chain rules ({@link ChainRule}), the conditions (the
 * first that failed, with its actual value), the edge of {@code field_changed}; then what dispatch
 * recorded: the execution, rate limited or skipped. Pure: the explainer reads, this decides.
 */
final class Verdict {
    /** The outcomes, as the answer names them. */
    enum Outcome {
        FIRED, INACTIVE, NOT_MATCHED, OTHER_KIND, OTHER_MODEL, OTHER_SOURCE, OWN_CHANGE, CONDITIONS_FAILED, ALREADY_TRUE_BEFORE, CHAIN_TOO_DEEP, RATE_LIMITED,
        NOT_DISPATCHED_YET, NO_EXECUTION;

        String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The execution dispatch stored for (trigger, event), as read. */
    record Recorded(long id, String status, String error, String rateLimitedWindow) {
    }

    private Verdict() {
    }

    static Map<String, Object> of(CompiledTrigger trigger, boolean active, StoredEvent event, boolean dispatched, Recorded execution,
                                  ChainRule chain, RelationResolver resolver, long now) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("trigger_id", trigger.id());
        answer.put("trigger_version", trigger.version());
        answer.put("trigger_type", trigger.type().wireName());
        if (execution != null) {
            answer.put("execution", execution(execution));
        }
        if (!active && execution == null) {
            return outcome(answer, Outcome.INACTIVE, "the trigger is not active");
        }
        if (!event.matched() && execution == null) {
            return outcome(answer, Outcome.NOT_MATCHED, "the engine stored this '" + event.source() + "' event with the one execution it is for:"
                    + " it is not matched against triggers");
        }
        if (!CompiledTrigger.typesFor(event.kind()).contains(trigger.type())) {
            return outcome(answer, Outcome.OTHER_KIND, "a " + trigger.type().wireName() + " trigger does not fire on '" + event.kind() + "' events");
        }
        if (trigger.modelKey() != null && !trigger.modelKey().equals(event.entityType())) {
            return outcome(answer, Outcome.OTHER_MODEL, "the trigger watches '" + trigger.modelKey() + "' records, not '" + event.entityType() + "'");
        }
        if (!trigger.hears(event.webhookSource())) {
            return outcome(answer, Outcome.OTHER_SOURCE, "the trigger listens to the webhook source '" + trigger.webhookSource() + "' only");
        }
        if (chain.ownChange(event, trigger.id())) {
            return outcome(answer, Outcome.OWN_CHANGE, "the event is a change this trigger's own action made: a trigger does not re-fire on it");
        }
        boolean deleted = CompiledTrigger.DELETED.equals(event.kind());
        Map<String, Object> subject = CompiledTrigger.subject(event.kind(), event.newState(), event.oldState());
        Explanation conditions = trigger.condition().explain(subject, deleted ? null : event.oldState(), resolver, now);
        answer.put("conditions", conditions.leaves());
        if (!conditions.matched()) {
            answer.put("first_failed_condition", conditions.firstFailed());
            return outcome(answer, Outcome.CONDITIONS_FAILED, failed(conditions.firstFailed()));
        }
        if (trigger.type() == TriggerType.FIELD_CHANGED && event.oldState() != null
                && !trigger.condition().matchesEdge(event.newState(), event.oldState(), resolver, now)) {
            return outcome(answer, Outcome.ALREADY_TRUE_BEFORE,
                    "field_changed fires on the edge: the conditions already held before this change");
        }
        return recorded(answer, event, dispatched, execution, chain);
    }

    /** The conditions hold: what dispatch did about it. */
    private static Map<String, Object> recorded(Map<String, Object> answer, StoredEvent event, boolean dispatched, Recorded execution,
                                                ChainRule chain) {
        if (execution == null) {
            if (!dispatched) {
                return outcome(answer, Outcome.NOT_DISPATCHED_YET, "the event has not been matched yet: its triggers run once it is");
            }
            return outcome(answer, Outcome.NO_EXECUTION, "the conditions hold now, but dispatch created no execution: the trigger was"
                    + " changed, created or activated after the event was matched (its conditions are evaluated as they are now)");
        }
        ExecutionStatus status = ExecutionStatus.fromWireName(execution.status());
        if (status == ExecutionStatus.SKIPPED && chain.tooDeep(event)) {
            return outcome(answer, Outcome.CHAIN_TOO_DEEP, chain.cutReason(event));
        }
        if (status == ExecutionStatus.RATE_LIMITED) {
            return outcome(answer, Outcome.RATE_LIMITED, "over the trigger's rate limit: " + execution.rateLimitedWindow());
        }
        String deferred = execution.rateLimitedWindow() == null ? "" : " (deferred by the rate limit: " + execution.rateLimitedWindow() + ")";
        return outcome(answer, Outcome.FIRED, "execution " + execution.id() + " is " + execution.status() + deferred);
    }

    private static String failed(Explanation.LeafTrace leaf) {
        if (leaf == null) {
            return "the conditions do not hold";
        }
        return leaf.path() + ": " + leaf.field() + " " + leaf.operator() + (leaf.expected() == null ? "" : " " + leaf.expected())
                + " does not hold (actual: " + (leaf.actual() == null ? "absent" : leaf.actual()) + ")";
    }

    private static Map<String, Object> execution(Recorded e) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", e.id());
        out.put("status", e.status());
        out.put("error", e.error());
        out.put("rate_limited_window", e.rateLimitedWindow());
        return out;
    }

    private static Map<String, Object> outcome(Map<String, Object> answer, Outcome outcome, String reason) {
        answer.put("outcome", outcome.wireName());
        answer.put("reason", reason);
        return answer;
    }
}
