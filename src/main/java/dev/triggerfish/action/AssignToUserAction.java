package dev.triggerfish.action;

import jakarta.inject.Singleton;

/** {@code assign_to_user}: a user id, a role resolved round-robin, {@code auto} or a template. */
@Singleton
public class AssignToUserAction implements ActionHandler {

    @Override
    public String type() {
        return "assign_to_user";
    }

    @Override
    public void validate(ConfigCheck action) {
        action.requireId("user_id");
    }
}
