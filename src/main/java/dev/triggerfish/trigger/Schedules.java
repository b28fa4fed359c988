package dev.triggerfish.trigger;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.parser.CronParser;

import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The schedule of a {@code time_based} trigger: one of the spec's names ({@code every_minute} …
 * {@code monthly}) or a 5-field Unix cron expression, checked by cron-utils: minute 0-59, hour
 * 0-23, day 1-31, month 1-12 or JAN-DEC, weekday 0-7 or SUN-SAT (0 and 7 are Sunday), steps within
 * the field's range.
 */
final class Schedules {
    static final Set<String> NAMES = Set.of("every_minute", "every_5_minutes", "every_15_minutes", "hourly", "daily", "weekly", "monthly");
    /** The settings beside {@code schedule} that only a time_based trigger has. */
    static final List<String> POLICIES = List.of("timezone", "catch_up", "overlap");
    public static final Set<String> CATCH_UP = Set.of("last", "all", "none");
    public static final Set<String> OVERLAP = Set.of("skip", "allow");
    private static final CronParser CRON = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    private Schedules() {
    }

    /** Why {@code schedule} is not a schedule, or null when it is one. */
    static String refusal(String schedule) {
        if (NAMES.contains(schedule)) {
            return null;
        }
        String expression = schedule.trim();
        if (expression.split("\\s+").length != 5) {
            return "must be one of: " + String.join(", ", new TreeSet<>(NAMES)) + ", or a cron expression of 5 fields (was '" + schedule + "')";
        }
        try {
            CRON.parse(expression).validate();
            return null;
        } catch (IllegalArgumentException e) {
            return "is not a valid cron expression (minute hour day month weekday): "
                    + String.valueOf(e.getMessage()).replace("Failed to parse cron expression. ", "") + " (was '" + schedule + "')";
        }
    }

    /** Why {@code zone} is not an IANA time zone name ({@code Europe/Berlin}, {@code UTC}), or null when it is one. */
    static String zoneRefusal(Object zone) {
        // ZoneId.of also takes offsets ('+02:00', 'UTC+2'); only the region names of the IANA database are zones of ours
        if (zone instanceof String name && ZoneId.getAvailableZoneIds().contains(name)) {
            return null;
        }
        return "must be an IANA time zone name such as 'Europe/Berlin' or 'UTC' (was " + (zone instanceof String ? "'" + zone + "'" : "not a string") + ")";
    }
}
