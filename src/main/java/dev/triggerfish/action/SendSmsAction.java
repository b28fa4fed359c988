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
    public void validate(ConfigCheck action) {
        action.optionalId("template_id");
        action.optionalText("message");
        action.requireOneOf("template_id", "message");
        action.requireText("recipient");
    }
}
