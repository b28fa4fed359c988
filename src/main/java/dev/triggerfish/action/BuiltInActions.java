package dev.triggerfish.action;

/** The action types of the spec. */
final class BuiltInActions {
    private BuiltInActions() {
    }

    static ActionHandler[] all() {
        return new ActionHandler[] {
            new SendEmailAction(), new SendSmsAction(), new CreateTaskAction(), new CreateNoteAction(),
            new UpdateFieldAction(), new AddTagAction(), new RemoveTagAction(), new AssignToUserAction(),
            new TriggerWorkflowAction(), new AddToCadenceAction(), new WebhookAction(), new SyncToExternalAction(), new DelayAction()
        };
    }
}
