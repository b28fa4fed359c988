package dev.triggerfish.cadence;

import dev.triggerfish.action.ActionContext;
import dev.triggerfish.action.CadenceEnroller;
import dev.triggerfish.action.StepResult;
import dev.triggerfish.dispatch.DispatchConfig;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Enrols the record of an {@code add_to_cadence} step, in the step's transaction: the enrolment exists
 * exactly when the step's checkpoint does. Enrolling a record that is active in the cadence already is
 * a completed step that says so and changes nothing.
 */
@ApplicationScoped
public class CadenceEnrolment implements CadenceEnroller {
    private final Cadences cadences;
    private final Enrolments enrolments;
    private final DispatchConfig chain;

    public CadenceEnrolment(Cadences cadences, Enrolments enrolments, DispatchConfig chain) {
        this.cadences = cadences;
        this.enrolments = enrolments;
        this.chain = chain;
    }

    @Override
    public Uni<StepResult> enrol(ActionContext step, long cadenceId, int startStep, Double delayHours) {
        if (step.entityId() == null) {
            return Uni.createFrom().item(StepResult.failed("add_to_cadence enrols a record: this execution has none", Map.of()));
        }
        int depth = step.origin().chainDepth();
        if (depth > chain.maxChainDepth()) {
            return Uni.createFrom().item(StepResult.skipped("chain depth " + depth + " exceeds triggerfish.dispatch.max-chain-depth="
                    + chain.maxChainDepth() + ": not enrolled in cadence " + cadenceId));
        }
        return cadences.find(step.tx(), cadenceId).flatMap(definition -> {
            if (definition == null) {
                // as for a workflow: a trigger may name a cadence that does not exist yet; the rest of its chain runs
                return Uni.createFrom().item(StepResult.skipped("cadence " + cadenceId + " does not exist"));
            }
            Cadence cadence = Cadence.of(definition);
            if (startStep > cadence.steps().size()) {
                return Uni.createFrom().item(StepResult.failed("start_step " + startStep + " is beyond the " + cadence.steps().size()
                        + " steps of cadence " + cadenceId, Map.of()));
            }
            double hours = delayHours != null ? delayHours : cadence.steps().get(startStep - 1).delayHours();
            return enrolments.enrol(step.tx(), cadenceId, step.entityType(), step.entityId(), step.triggerId(), step.executionId(),
                            step.stepIndex(), depth, startStep, hours * 3600)
                    .map(enrolled -> {
                        Map<String, Object> output = new LinkedHashMap<>();
                        output.put("cadence_id", cadenceId);
                        output.put("enrolment_id", enrolled.id());
                        output.put("enrolled", enrolled.created());
                        if (!enrolled.created()) {
                            output.put("reason", "already enrolled: one active enrolment per record and cadence");
                        }
                        output.put("next_step", enrolled.nextStep());
                        output.put("next_at", enrolled.nextAt().toString());
                        return StepResult.completed(output);
                    });
        });
    }
}
