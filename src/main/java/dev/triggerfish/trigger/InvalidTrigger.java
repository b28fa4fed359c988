package dev.triggerfish.trigger;

import dev.triggerfish.support.FieldError;
import dev.triggerfish.support.InvalidInput;

import java.util.List;

/** A trigger definition that breaks the spec's rules, with every bad field. */
public class InvalidTrigger extends InvalidInput {
    public InvalidTrigger(List<FieldError> errors) {
        super("trigger", errors);
    }
}
