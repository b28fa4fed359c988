package dev.triggerfish.condition;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * How values written in JSON compare: numbers given as strings are numbers, "true"/"false" are
 * booleans, ISO dates are instants. One place decides, so the evaluator, the trigger index and the
 * SQL push-down agree.
 */
public final class Values {
    /** Returned by the conversions when a value is not of the wanted kind. */
    public static final double NOT_A_NUMBER = Double.NaN;
    public static final long NOT_AN_INSTANT = Long.MIN_VALUE;

    private Values() {
    }

    /** The value as a number, or NaN when it is not one (booleans are not numbers). */
    public static double toNumber(Object value) {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        if (value instanceof String s && looksNumeric(s)) {
            try {
                return Double.parseDouble(s);
            } catch (NumberFormatException e) {
                return NOT_A_NUMBER;
            }
        }
        return NOT_A_NUMBER;
    }

    /** The value as a boolean, or null when it is not one. */
    public static Boolean toBoolean(Object value) {
        if (value instanceof Boolean b) {
            return b;
        }
        if ("true".equals(value)) {
            return Boolean.TRUE;
        }
        if ("false".equals(value)) {
            return Boolean.FALSE;
        }
        return null;
    }

    /** An ISO date or date-time as epoch milliseconds (a date is its midnight UTC), or NOT_AN_INSTANT. */
    public static long toInstant(Object value) {
        if (!(value instanceof String s) || s.length() < 10 || !Character.isDigit(s.charAt(0))) {
            return NOT_AN_INSTANT;
        }
        try {
            if (s.length() == 10) {
                return LocalDate.parse(s).toEpochDay() * 86_400_000L;
            }
            String iso = s.charAt(10) == ' ' ? s.substring(0, 10) + 'T' + s.substring(11) : s;
            char last = iso.charAt(iso.length() - 1);
            if (last == 'Z' || last == 'z') {
                // Instant.parse wants seconds, but a stored record's time written at a whole minute reads "…T10:00Z"
                return iso.length() == 17 ? OffsetDateTime.parse(iso).toInstant().toEpochMilli() : Instant.parse(iso).toEpochMilli();
            }
            if (hasOffset(iso)) {
                return OffsetDateTime.parse(iso).toInstant().toEpochMilli();
            }
            return LocalDateTime.parse(iso).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeParseException | StringIndexOutOfBoundsException e) {
            return NOT_AN_INSTANT;
        }
    }

    /** Equality as conditions see it: numerically for numbers, then booleans, then text. */
    public static boolean looselyEqual(Object a, Object b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (a instanceof String sa && b instanceof String sb && sa.equals(sb)) {
            return true;
        }
        double na = toNumber(a);
        double nb = toNumber(b);
        if (!Double.isNaN(na) || !Double.isNaN(nb)) {
            return na == nb;
        }
        Boolean ba = toBoolean(a);
        Boolean bb = toBoolean(b);
        if (ba != null || bb != null) {
            return ba != null && ba.equals(bb);
        }
        if (a instanceof String || b instanceof String) {
            return a.equals(b);
        }
        if (a instanceof List<?> la && b instanceof List<?> lb) {
            if (la.size() != lb.size()) {
                return false;
            }
            for (int i = 0; i < la.size(); i++) {
                if (!looselyEqual(la.get(i), lb.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    /**
     * A key such that two scalars are loosely equal exactly when their keys are equal; null for a
     * value that has no such key (lists, maps, null).
     */
    public static String equalityKey(Object value) {
        if (value == null || value instanceof Collection<?> || value instanceof Map<?, ?>) {
            return null;
        }
        double n = toNumber(value);
        if (!Double.isNaN(n)) {
            return n == Math.rint(n) && Math.abs(n) < 1e15 ? "n:" + (long) n : "n:" + n;
        }
        Boolean b = toBoolean(value);
        if (b != null) {
            return "b:" + b;
        }
        return "s:" + value;
    }

    /** Empty as is_empty sees it: null, blank text, an empty list or object. */
    public static boolean isEmpty(Object value) {
        if (value == null) {
            return true;
        }
        if (value instanceof String s) {
            return s.isBlank();
        }
        if (value instanceof Collection<?> c) {
            return c.isEmpty();
        }
        if (value instanceof Map<?, ?> m) {
            return m.isEmpty();
        }
        return false;
    }

    /** Text of a scalar for the string operators (numbers as written, never lists). */
    public static String toText(Object value) {
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        return null;
    }

    static boolean looksNumeric(String s) {
        int n = s.length();
        if (n == 0 || n > 40) {
            return false;
        }
        char c = s.charAt(0);
        if (!(Character.isDigit(c) || ((c == '-' || c == '+' || c == '.') && n > 1))) {
            return false;
        }
        char last = s.charAt(n - 1);
        return Character.isDigit(last) || last == '.';
    }

    private static boolean hasOffset(String iso) {
        int t = iso.indexOf('T');
        return t > 0 && (iso.indexOf('+', t) > 0 || iso.indexOf('-', t) > 0);
    }
}
