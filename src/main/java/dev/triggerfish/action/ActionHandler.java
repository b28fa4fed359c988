package dev.triggerfish.action;

import io.smallrye.mutiny.Uni;

/**
 * One action type of the spec ({@code webhook}, {@code send_email}, …). Adding an action type is one
 * new class implementing this, registered by CDI.
 */
public interface ActionHandler {

    /** The {@code type} the action is written with. */
    String type();

    /** Records every problem of one action's configuration (the map of the action, {@code type} included). */
    void validate(ConfigCheck action);

    /**
     * Whether the action changes records. Such an action runs inside the transaction that checkpoints
     * its step ({@link ActionContext#tx()}), so a completed step is never repeated; any other action
     * runs outside it and may run again after a crash (with the same idempotency key).
     */
    default boolean changesRecords() {
        return false;
    }

    /**
     * Whether the action's templates see the secrets. Only an action that authenticates an outbound
     * call (a webhook) needs them; an action that changes records, or sends a message a person reads,
     * never does: what it writes or sends could not be redacted again.
     */
    default boolean seesSecrets() {
        return !changesRecords();
    }

    /** Runs the action. A failure may also be signalled by a failed Uni; it becomes a failed step. */
    default Uni<StepResult> execute(ActionContext context) {
        return Uni.createFrom().item(StepResult.skipped("'" + type() + "' actions are accepted but not run by this version of Triggerfish"));
    }
}
