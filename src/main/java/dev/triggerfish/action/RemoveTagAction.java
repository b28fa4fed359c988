package dev.triggerfish.action;

import jakarta.inject.Singleton;

/** {@code remove_tag}: removes a tag from the record. */
@Singleton
public class RemoveTagAction implements ActionHandler {

    @Override
    public String type() {
        return "remove_tag";
    }

    @Override
    public void validate(ConfigCheck action) {
        action.requireText("tag");
    }
}
