package dev.triggerfish.action;

import jakarta.inject.Singleton;

import java.util.Set;

/** {@code send_email}: a template or a subject, to the record's email, its assigned user or a custom address. */
@Singleton
public class SendEmailAction implements ActionHandler {

    @Override
    public String type() {
        return "send_email";
    }

    @Override
    public void validate(ConfigCheck action) {
        action.optionalId("template_id");
        action.optionalText("subject");
        action.optionalText("body");
        action.requireOneOf("template_id", "subject", "body");
        action.requireText("recipient");
        if ("custom".equals(action.object().get("recipient"))) {
            action.requireText("custom_email");
        }
        action.optionalText("custom_email");
        action.oneOf("priority", Set.of("low", "normal", "medium", "high", "urgent"), false);
    }
}
