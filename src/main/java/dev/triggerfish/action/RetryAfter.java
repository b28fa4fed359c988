package dev.triggerfish.action;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** A {@code Retry-After} header: delay seconds, or an HTTP date. */
public final class RetryAfter {
    private RetryAfter() {
    }

    /** The delay it asks for, or null when absent or unreadable. */
    public static Duration parse(Object header) {
        if (header == null) {
            return null;
        }
        String value = header.toString().trim();
        try {
            long seconds = Long.parseLong(value);
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException e) {
            try {
                Duration until = Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME));
                return until.isNegative() ? Duration.ZERO : until;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }
}
