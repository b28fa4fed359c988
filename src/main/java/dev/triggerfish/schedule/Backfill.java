package dev.triggerfish.schedule;

import dev.triggerfish.support.FieldError;
import dev.triggerfish.support.InvalidInput;
import dev.triggerfish.trigger.Schedule;
import dev.triggerfish.trigger.TriggerCatalog;
import dev.triggerfish.trigger.TriggerNotFound;
import dev.triggerfish.trigger.TriggerSnapshot;
import dev.triggerfish.trigger.TriggerType;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the slots of a past window: {@code {"from", "to"}} (ISO date-times with an offset, {@code to}
 * not after now). Each slot time of the trigger's schedule in {@code [from, to]} becomes a due slot,
 * unless that slot is recorded already (run, skipped or due): so a second backfill of the same window
 * creates nothing. The slots run like any other, with relative dates resolved at each slot's own time.
 */
@ApplicationScoped
public class Backfill {
    private final SlotStore slots;
    private final TriggerCatalog catalog;
    private final Pool pool;
    private final ScheduleConfig config;

    public Backfill(SlotStore slots, TriggerCatalog catalog, Pool pool, ScheduleConfig config) {
        this.slots = slots;
        this.catalog = catalog;
        this.pool = pool;
        this.config = config;
    }

    public Uni<Map<String, Object>> request(long triggerId, Map<String, Object> body) {
        Instant from = time(body, "from");
        Instant to = time(body, "to");
        if (!from.isBefore(to)) {
            throw invalid("to", "must be after 'from'");
        }
        return catalog.ensureLoaded()
                .flatMap(ignored -> pool.query("select now() as now").execute())
                .map(rows -> rows.iterator().next().getOffsetDateTime("now").toInstant())
                .flatMap(now -> plan(trigger(triggerId), from, to, now));
    }

    private Uni<Map<String, Object>> plan(TriggerSnapshot trigger, Instant from, Instant to, Instant now) {
        if (to.isAfter(now)) {
            throw invalid("to", "must not be in the future: a backfill runs the slots of a past window (now is " + now + ")");
        }
        Map<?, ?> config = (Map<?, ?>) trigger.definition().get("action_configuration");
        Schedule schedule = Schedule.of(String.valueOf(config.get("schedule")), (String) config.get("timezone"));
        // [from, to]: a slot exactly at 'from' is in the window
        List<Instant> times = schedule.between(from.minusNanos(1), to, this.config.maxSlots() + 1);
        if (times.size() > this.config.maxSlots()) {
            throw invalid("to", "the window holds more than " + this.config.maxSlots() + " slots (triggerfish.schedule.max-slots): ask for a shorter one");
        }
        List<SlotPlan.Planned> planned = times.stream().map(t -> new SlotPlan.Planned(t, SlotStatus.DUE, null)).toList();
        return slots.insert(trigger.id(), trigger.version(), "backfill", planned)
                .map(created -> {
                    Map<String, Object> answer = new LinkedHashMap<>();
                    answer.put("trigger_id", trigger.id());
                    answer.put("from", from.toString());
                    answer.put("to", to.toString());
                    answer.put("slots", times.size());
                    answer.put("created", created);
                    answer.put("already_recorded", times.size() - created);
                    return answer;
                });
    }

    private TriggerSnapshot trigger(long id) {
        TriggerSnapshot trigger = catalog.get(id);
        if (trigger == null) {
            throw new TriggerNotFound(id);
        }
        if (trigger.compiled().type() != TriggerType.TIME_BASED) {
            throw invalid("trigger_type", "only a time_based trigger has slots to backfill (this one is " + trigger.compiled().type().wireName() + ")");
        }
        return trigger;
    }

    private static Instant time(Map<String, Object> body, String key) {
        Object raw = body.get(key);
        if (!(raw instanceof String text)) {
            throw invalid(key, raw == null ? "is required: an ISO date-time with an offset, e.g. 2026-11-25T00:00:00Z"
                    : "must be a string: an ISO date-time with an offset, e.g. 2026-11-25T00:00:00Z");
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw invalid(key, "must be an ISO date-time with an offset, e.g. 2026-11-25T00:00:00Z");
        }
    }

    private static InvalidInput invalid(String field, String message) {
        return new InvalidInput("backfill", List.of(new FieldError(field, message)));
    }
}
