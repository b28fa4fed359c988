package dev.triggerfish.action;

import jakarta.inject.Singleton;

/** {@code add_tag}: adds a tag to the record (once). */
@Singleton
public class AddTagAction implements ActionHandler {

    @Override
    public String type() {
        return "add_tag";
    }

    @Override
    public void validate(ConfigCheck action) {
        action.requireText("tag");
    }
}
