package dev.triggerfish.action;

import jakarta.inject.Singleton;

/** {@code trigger_workflow}: starts a workflow with a templated context. */
@Singleton
public class TriggerWorkflowAction implements ActionHandler {

    @Override
    public String type() {
        return "trigger_workflow";
    }

    @Override
    public void validate(ConfigCheck action) {
        action.requireId("workflow_id");
        action.optionalObject("context");
    }
}
