package dev.triggerfish.action;

import dev.triggerfish.template.Escaping;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.util.Map;

/**
 * {@code trigger_workflow}: starts workflow {@code workflow_id} as a child execution for the same record,
 * with the templated {@code context} (the spec passes {@code original_event: '{{trigger_event}}'}).
 *
 * <p>The step completes once the child is durably created; it does not wait for the child to finish.
 * The spec says "trigger another workflow", not "run it inline", and a parent held open for a child that
 * may itself pause for days would hold its claim the whole time. The child runs through the same runner
 * (its own steps, retries and history); parent and child name each other in the execution API.
 */
@Singleton
public class TriggerWorkflowAction implements ActionHandler {

    @Inject
    WorkflowStarter workflows;

    @Override
    public boolean seesSecrets() {
        return false; // the rendered context is stored with the child execution: no secret may reach the database
    }

    @Override
    public String type() {
        return "trigger_workflow";
    }

    @Override
    public void validate(ConfigCheck action) {
        action.requireId("workflow_id");
        action.optionalObject("context");
    }

    /**
     * Runs in the transaction that checkpoints the step, so the child and the checkpoint commit together:
     * a step repeated after a crash either finds no child or finds its checkpoint written and is not run.
     * (The context is stored with the child, so, as for any action that writes, its templates see no secret.)
     */
    @Override
    public boolean changesRecords() {
        return true;
    }

    @Override
    public Uni<StepResult> execute(ActionContext context) {
        Object raw = context.action().get("workflow_id");
        String text = raw instanceof String s ? context.render(s, Escaping.PLAIN) : String.valueOf(raw);
        long id;
        try {
            id = Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return Uni.createFrom().item(StepResult.failed("workflow_id '" + text + "' is not a workflow's id (a whole number)", Map.of()));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> rendered = context.action().get("context") instanceof Map<?, ?> m
                ? (Map<String, Object>) context.renderJson(m) : Map.of();
        return workflows.start(context, id, rendered);
    }
}
