package dev.triggerfish.action;

/**
 * One action type of the spec ({@code webhook}, {@code send_email}, …). Adding an action type is one
 * new class implementing this, registered by CDI.
 */
public interface ActionHandler {

    /** The {@code type} the action is written with. */
    String type();

    /** Records every problem of one action's configuration (the map of the action, {@code type} included). */
    void validate(ConfigCheck action);
}
