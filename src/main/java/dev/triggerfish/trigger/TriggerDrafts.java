package dev.triggerfish.trigger;

import dev.triggerfish.action.ActionRegistry;
import dev.triggerfish.api.ApiProblem;
import dev.triggerfish.support.FieldError;

import java.util.Map;

/** A trigger written in a request and never stored (test and backtest a draft): checked as a save would check it. */
public final class TriggerDrafts {
    private TriggerDrafts() {
    }

    /**
     * The draft under {@code field} of a request, validated whole; its errors are named under that
     * field ({@code trigger.trigger_conditions[0].operator}). It has id 0 and version 0.
     */
    @SuppressWarnings("unchecked")
    public static EventTrigger draft(Object body, String field, ActionRegistry actions) {
        if (!(body instanceof Map<?, ?> map)) {
            throw ApiProblem.badRequest(field, "a draft trigger (a JSON object, as for POST /api/event-triggers) is required");
        }
        TriggerDefinition definition;
        try {
            definition = TriggerDefinition.from((Map<String, Object>) map, actions);
        } catch (InvalidTrigger e) {
            throw new InvalidTrigger(e.errors().stream().map(f -> new FieldError(field + "." + f.path(), f.message())).toList());
        }
        EventTrigger trigger = new EventTrigger();
        trigger.apply(definition);
        trigger.id = 0L;
        return trigger;
    }
}
