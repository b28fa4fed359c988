package dev.triggerfish.inbound;

import dev.triggerfish.support.FieldError;
import dev.triggerfish.support.InvalidInput;

import java.util.List;

/** A verified payload that cannot become an event: a value at {@code path} is wrong for the source's record rule. */
public class PayloadRefused extends InvalidInput {
    public PayloadRefused(String path, String message) {
        super("webhook payload", List.of(new FieldError(path, message)));
    }
}
