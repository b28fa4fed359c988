package dev.triggerfish.trigger;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * When a {@code time_based} trigger's slots fall: its schedule (a name or a 5-field cron expression)
 * read on the wall clock of its {@code timezone}. cron-utils finds the next wall-clock time (on a
 * clock without daylight saving); this class alone maps a wall-clock time to an instant, so the DST
 * rules live in one place: a time the zone skips (spring forward) runs once at the first instant
 * after the gap; a time the zone repeats (fall back) runs once, at its first occurrence.
 */
public final class Schedule {
    public static final ZoneId DEFAULT_ZONE = ZoneOffset.UTC;
    /** The schedule names as cron: {@code weekly} is Sunday and {@code monthly} the 1st, both at midnight, as cron's @weekly and @monthly. */
    static final Map<String, String> NAMED = Map.of(
            "every_minute", "* * * * *",
            "every_5_minutes", "*/5 * * * *",
            "every_15_minutes", "*/15 * * * *",
            "hourly", "0 * * * *",
            "daily", "0 0 * * *",
            "weekly", "0 0 * * 0",
            "monthly", "0 0 1 * *");
    private static final CronParser CRON = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    /** More wall-clock times than a repeated hour of every_minute holds: past them, no later slot exists. */
    private static final int MAX_STEPS = 1_000;

    private final ExecutionTime times;
    private final ZoneId zone;

    private Schedule(ExecutionTime times, ZoneId zone) {
        this.times = times;
        this.zone = zone;
    }

    /**
     * The schedule of a stored trigger ({@link Schedules#refusal} accepted both).
     *
     * @param timezone an IANA zone name, or null for UTC
     */
    public static Schedule of(String schedule, String timezone) {
        String cron = NAMED.getOrDefault(schedule, schedule.trim());
        return new Schedule(ExecutionTime.forCron(CRON.parse(cron)), timezone == null ? DEFAULT_ZONE : ZoneId.of(timezone));
    }

    /** The first slot strictly after {@code after}, or null when the expression has none (30 February). */
    public Instant next(Instant after) {
        // the wall clock of the zone, read as if it were UTC: cron-utils then steps through wall-clock times only
        ZonedDateTime wall = after.atZone(zone).toLocalDateTime().atZone(ZoneOffset.UTC);
        for (int i = 0; i < MAX_STEPS; i++) {
            ZonedDateTime nextWall = times.nextExecution(wall).orElse(null);
            if (nextWall == null) {
                return null;
            }
            Instant slot = instant(nextWall.toLocalDateTime());
            if (slot.isAfter(after)) {
                return slot;
            }
            wall = nextWall; // a wall time in a gap, or in the repeat of an hour, already passed
        }
        return null;
    }

    /** The slots in {@code (after, until]}, oldest first, at most {@code max} of them. */
    public List<Instant> between(Instant after, Instant until, int max) {
        List<Instant> slots = new ArrayList<>();
        Instant slot = next(after);
        while (slot != null && !slot.isAfter(until) && slots.size() < max) {
            slots.add(slot);
            slot = next(slot);
        }
        return slots;
    }

    /** The wall-clock time as an instant in the zone: the gap's end for a skipped time, the first occurrence of a repeated one. */
    Instant instant(LocalDateTime wall) {
        List<ZoneOffset> offsets = zone.getRules().getValidOffsets(wall);
        if (offsets.isEmpty()) {
            ZoneOffsetTransition gap = zone.getRules().getTransition(wall);
            return gap.getInstant();
        }
        return wall.toInstant(offsets.get(0)); // the earlier offset is the first occurrence
    }
}
