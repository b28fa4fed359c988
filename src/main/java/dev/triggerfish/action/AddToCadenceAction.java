package dev.triggerfish.action;

import jakarta.inject.Singleton;

/** {@code add_to_cadence}: enrols the record in a cadence at {@code start_step} after {@code delay_hours}. */
@Singleton
public class AddToCadenceAction implements ActionHandler {

    @Override
    public String type() {
        return "add_to_cadence";
    }

    @Override
    public void validate(ConfigCheck action) {
        action.requireId("cadence_id");
        action.optionalInt("start_step", 1, 1000);
        action.optionalNumber("delay_hours", 0, 24 * 365);
    }
}
