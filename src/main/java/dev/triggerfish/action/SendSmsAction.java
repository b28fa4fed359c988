package dev.triggerfish.action;

import jakarta.inject.Singleton;

/** {@code send_sms}: a template or a message, to the record's phone or a number. */
@Singleton
public class SendSmsAction implements ActionHandler {

    @Override
    public String type() {
        return "send_sms";
    }

    @Override
    public boolean seesSecrets() {
        return false; // a person reads it
    }

    @Override
    public void validate(ConfigCheck action) {
        action.optionalId("template_id");
        action.optionalText("message");
        action.requireOneOf("template_id", "message");
        action.requireText("recipient");
    }
}
