package dev.triggerfish.template;

/** A render that went past its bounds (characters written, loop iterations, time): the render stops there. */
public class TemplateLimitExceeded extends RuntimeException {
    public TemplateLimitExceeded(String message) {
        super(message, null, false, false);
    }
}
