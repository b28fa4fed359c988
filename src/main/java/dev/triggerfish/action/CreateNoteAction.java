package dev.triggerfish.action;

import jakarta.inject.Singleton;

/** {@code create_note}: a templated note on the record. */
@Singleton
public class CreateNoteAction implements ActionHandler {

    @Override
    public String type() {
        return "create_note";
    }

    @Override
    public void validate(ConfigCheck action) {
        action.requireText("content");
        action.optionalBoolean("is_private");
        action.optionalText("created_by");
    }
}
