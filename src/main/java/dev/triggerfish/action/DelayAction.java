package dev.triggerfish.action;

import dev.triggerfish.condition.Values;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code delay}: pauses the execution durably, for {@code minutes} or {@code until} the date a field of
 * the record holds; the next step runs when the pause ends and sees the record as it is then.
 */
@Singleton
public class DelayAction implements ActionHandler {
    static final int MAX_MINUTES = 525_600; // a year

    @Override
    public String type() {
        return "delay";
    }

    @Override
    public void validate(ConfigCheck action) {
        boolean minutes = action.has("minutes");
        boolean until = action.has("until");
        if (minutes == until) {
            action.error(minutes ? "until" : "minutes", "a delay has either minutes or until (a date field of the record)");
            return;
        }
        if (minutes) {
            action.optionalInt("minutes", 1, MAX_MINUTES);
        } else {
            action.requireText("until");
        }
    }

    @Override
    public Uni<StepResult> execute(ActionContext context) {
        Map<String, Object> output = new LinkedHashMap<>();
        if (context.action().get("minutes") instanceof Number minutes) {
            OffsetDateTime resume = OffsetDateTime.now(ZoneOffset.UTC).plusMinutes(minutes.longValue());
            output.put("until", resume.toString());
            return Uni.createFrom().item(StepResult.pausedUntil(resume, output));
        }
        String field = context.text("until");
        Map<?, ?> entity = context.scope().get("entity") instanceof Map<?, ?> m ? m : Map.of();
        long at = Values.toInstant(entity.get(field));
        if (at == Values.NOT_AN_INSTANT) {
            return Uni.createFrom().item(StepResult.failed("the record's " + field + " is not a date: " + entity.get(field), Map.of()));
        }
        OffsetDateTime resume = Instant.ofEpochMilli(at).atOffset(ZoneOffset.UTC);
        output.put("until", resume.toString());
        // a date already past pauses nothing: the next step runs now
        return Uni.createFrom().item(resume.isAfter(OffsetDateTime.now(ZoneOffset.UTC))
                ? StepResult.pausedUntil(resume, output) : StepResult.completed(output));
    }
}
