package dev.triggerfish.action;

import dev.triggerfish.template.Escaping;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.util.Map;

/** {@code add_to_cadence}: enrols the record in a cadence at {@code start_step} (from 1) after {@code delay_hours}. */
@Singleton
public class AddToCadenceAction implements ActionHandler {

    @Inject
    CadenceEnroller cadences;

    @Override
    public boolean seesSecrets() {
        return false; // what it renders is stored with the enrolment: no secret may reach the database
    }

    @Override
    public boolean needsRecord() {
        return true; // an enrolment is of a record
    }

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

    /** Runs in the transaction that checkpoints the step: the enrolment and the checkpoint commit together. */
    @Override
    public boolean changesRecords() {
        return true;
    }

    @Override
    public Uni<StepResult> execute(ActionContext context) {
        Object raw = context.action().get("cadence_id");
        String text = raw instanceof String s ? context.render(s, Escaping.PLAIN) : String.valueOf(raw);
        long id;
        try {
            id = Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return Uni.createFrom().item(StepResult.failed("cadence_id '" + text + "' is not a cadence's id (a whole number)", Map.of()));
        }
        int start = context.action().get("start_step") instanceof Number n ? n.intValue() : 1;
        Double delay = context.action().get("delay_hours") instanceof Number n ? n.doubleValue() : null;
        return cadences.enrol(context, id, start, delay);
    }
}
