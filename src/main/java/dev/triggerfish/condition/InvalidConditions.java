package dev.triggerfish.condition;

import java.util.List;

/** Thrown when a condition list cannot be compiled; carries every error found, not only the first. */
public class InvalidConditions extends RuntimeException {
    private final transient List<ConditionError> errors;

    public InvalidConditions(List<ConditionError> errors) {
        super(errors.size() + " invalid condition item(s), first: " + errors.get(0).path() + ": " + errors.get(0).message());
        this.errors = List.copyOf(errors);
    }

    public List<ConditionError> errors() {
        return errors;
    }
}
