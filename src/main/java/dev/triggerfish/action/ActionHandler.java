package dev.triggerfish.action;

import io.smallrye.mutiny.Uni;

import java.util.Map;

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
     * Whether the action acts on the execution's record: one that concerns none (an inbound webhook whose
     * source found no record and runs without one) fails such a step at once, with the reason.
     */
    default boolean needsRecord() {
        return changesRecords();
    }

    /**
     * Whether the action's templates see the secrets. Only an action that authenticates an outbound
     * call (a webhook) needs them; an action that changes records, or sends a message a person reads,
     * never does: what it writes or sends could not be redacted again.
     */
    default boolean seesSecrets() {
        return !changesRecords();
    }

    /**
     * The action as it would run, its templates rendered, with no side effect at all (nothing stored,
     * nothing sent): by default every string of its configuration rendered. The caller redacts secrets.
     */
    @SuppressWarnings("unchecked")
    default Map<String, Object> preview(ActionContext context) {
        return (Map<String, Object>) context.renderJson(context.action());
    }

    /** Runs the action. A failure may also be signalled by a failed Uni; it becomes a failed step. */
    default Uni<StepResult> execute(ActionContext context) {
        return Uni.createFrom().item(StepResult.skipped("'" + type() + "' actions are accepted but not run by this version of Triggerfish"));
    }
}
