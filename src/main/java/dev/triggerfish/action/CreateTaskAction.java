package dev.triggerfish.action;

import jakarta.inject.Singleton;

import java.util.Set;

/** {@code create_task}: a task with a templated title, due in {@code due_days}, for a user or {@code auto}. */
@Singleton
public class CreateTaskAction implements ActionHandler {

    @Override
    public String type() {
        return "create_task";
    }

    @Override
    public void validate(ConfigCheck action) {
        action.requireText("title");
        action.optionalText("description");
        action.optionalInt("due_days", 0, 3650);
        action.optionalId("assigned_to");
        action.oneOf("priority", Set.of("low", "medium", "normal", "high", "urgent"), false);
    }
}
