package dev.triggerfish.action;

import io.smallrye.mutiny.Uni;

/**
 * Enrols a record in a cadence for {@code add_to_cadence}. Declared here, where the action needs it,
 * and implemented by the cadence package, which sits above the actions.
 */
public interface CadenceEnroller {

    /**
     * Enrols the step's record in cadence {@code cadenceId} at {@code startStep} (from 1), its first step
     * due after {@code delayHours} (null: that step's own delay), in the step's transaction
     * ({@link ActionContext#tx()}). A record already enrolled in that cadence stays as it is, and the
     * step says so.
     */
    Uni<StepResult> enrol(ActionContext step, long cadenceId, int startStep, Double delayHours);
}
