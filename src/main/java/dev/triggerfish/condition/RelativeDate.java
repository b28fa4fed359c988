package dev.triggerfish.condition;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A date written relative to the moment of evaluation: {@code '7 days ago'}, {@code '2 hours ago'},
 * {@code 'in 3 days'}, {@code '1 week from now'}, {@code 'now'}, {@code 'today'}, {@code 'yesterday'},
 * {@code 'tomorrow'}. Days start at midnight UTC.
 */
public record RelativeDate(long amount, ChronoUnit unit, boolean startOfDay) {

    private static final Pattern AGO = Pattern.compile("(\\d{1,6})\\s+([a-z]+?)s?\\s+ago");
    private static final Pattern FROM_NOW = Pattern.compile("(?:in\\s+(\\d{1,6})\\s+([a-z]+?)s?|(\\d{1,6})\\s+([a-z]+?)s?\\s+from\\s+now)");
    private static final Pattern LOOKS_RELATIVE = Pattern.compile(".*\\bago|in\\s+\\d.*|.*from\\s+now");

    /** Parses {@code text}; empty when it is not a relative date. */
    public static Optional<RelativeDate> parse(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        switch (s) {
            case "now": return Optional.of(new RelativeDate(0, ChronoUnit.SECONDS, false));
            case "today": return Optional.of(new RelativeDate(0, ChronoUnit.DAYS, true));
            case "yesterday": return Optional.of(new RelativeDate(-1, ChronoUnit.DAYS, true));
            case "tomorrow": return Optional.of(new RelativeDate(1, ChronoUnit.DAYS, true));
            default: break;
        }
        Matcher ago = AGO.matcher(s);
        if (ago.matches()) {
            return unit(ago.group(2)).map(u -> new RelativeDate(-Long.parseLong(ago.group(1)), u, false));
        }
        Matcher ahead = FROM_NOW.matcher(s);
        if (ahead.matches()) {
            String amount = ahead.group(1) != null ? ahead.group(1) : ahead.group(3);
            String unit = ahead.group(2) != null ? ahead.group(2) : ahead.group(4);
            return unit(unit).map(u -> new RelativeDate(Long.parseLong(amount), u, false));
        }
        return Optional.empty();
    }

    /** True for text that was meant as a relative date (so a failed parse is an error, not a literal). */
    public static boolean looksRelative(String text) {
        return LOOKS_RELATIVE.matcher(text.trim().toLowerCase(Locale.ROOT)).matches();
    }

    /** Whether comparing for equality means "the same calendar day". */
    public boolean dayPrecision() {
        return startOfDay || unit.compareTo(ChronoUnit.DAYS) >= 0;
    }

    /** The instant this date stands for, in epoch milliseconds, when evaluated at {@code nowMillis}. */
    public long resolve(long nowMillis) {
        if (startOfDay) {
            long day = Math.floorDiv(nowMillis, 86_400_000L) + amount;
            return day * 86_400_000L;
        }
        return switch (unit) {
            case SECONDS -> nowMillis + amount * 1_000L;
            case MINUTES -> nowMillis + amount * 60_000L;
            case HOURS -> nowMillis + amount * 3_600_000L;
            case DAYS -> nowMillis + amount * 86_400_000L;
            case WEEKS -> nowMillis + amount * 7 * 86_400_000L;
            default -> ZonedDateTime.ofInstant(Instant.ofEpochMilli(nowMillis), ZoneOffset.UTC)
                    .plus(amount, unit).toInstant().toEpochMilli();
        };
    }

    private static Optional<ChronoUnit> unit(String word) {
        return Optional.ofNullable(switch (word) {
            case "second", "sec" -> ChronoUnit.SECONDS;
            case "minute", "min" -> ChronoUnit.MINUTES;
            case "hour" -> ChronoUnit.HOURS;
            case "day" -> ChronoUnit.DAYS;
            case "week" -> ChronoUnit.WEEKS;
            case "month" -> ChronoUnit.MONTHS;
            case "year" -> ChronoUnit.YEARS;
            default -> null;
        });
    }
}
