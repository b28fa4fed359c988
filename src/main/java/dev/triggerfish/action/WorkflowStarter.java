package dev.triggerfish.action;

import io.smallrye.mutiny.Uni;

import java.util.Map;

/**
 * Starts a workflow for {@code trigger_workflow}. Declared here, where the action needs it, and
 * implemented by the workflow package, which sits above the actions (it creates executions).
 */
public interface WorkflowStarter {

    /**
     * Starts workflow {@code workflowId} as the child execution of {@code step}, for the step's record,
     * with {@code context} (rendered), in the step's transaction ({@link ActionContext#tx()}): the child
     * exists exactly when the step's checkpoint does. A step that finds its child already started
     * answers that child.
     */
    Uni<StepResult> start(ActionContext step, long workflowId, Map<String, Object> context);
}
