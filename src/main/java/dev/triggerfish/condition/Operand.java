package dev.triggerfish.condition;

/**
 * One expected value of a condition, classified once at compile time (number, boolean, ISO date,
 * relative date or text) so that evaluation never re-reads the JSON it came from.
 */
final class Operand {
    static final int INCOMPARABLE = Integer.MIN_VALUE;
    private static final long DAY = 86_400_000L;

    final Object raw;
    final String text;
    final double number;
    final Boolean bool;
    final long instant;
    final boolean dateOnly;
    final RelativeDate relative;

    Operand(Object raw) {
        this.raw = raw;
        this.text = Values.toText(raw);
        this.number = Values.toNumber(raw);
        this.bool = Values.toBoolean(raw);
        this.instant = Values.toInstant(raw);
        this.dateOnly = raw instanceof String s && s.length() == 10;
        this.relative = raw instanceof String s && Double.isNaN(number) ? RelativeDate.parse(s).orElse(null) : null;
    }

    /** True when equality can be decided by {@link Values#equalityKey} (no dates involved). */
    boolean isPlain() {
        return raw != null && relative == null && instant == Values.NOT_AN_INSTANT;
    }

    /** Equality as {@code equals} sees it. */
    boolean matches(Object actual, Evaluation ev) {
        if (raw == null || actual == null) {
            return raw == actual;
        }
        if (!Double.isNaN(number)) {
            return Values.toNumber(actual) == number;
        }
        if (bool != null) {
            return bool.equals(Values.toBoolean(actual));
        }
        if (relative != null) {
            long a = Values.toInstant(actual);
            long e = relative.resolve(ev.now());
            return a != Values.NOT_AN_INSTANT && (relative.dayPrecision() ? sameDay(a, e) : a == e);
        }
        if (instant != Values.NOT_AN_INSTANT) {
            long a = Values.toInstant(actual);
            return a != Values.NOT_AN_INSTANT && (dateOnly ? sameDay(a, instant) : a == instant);
        }
        return actual instanceof String s && s.equals(text);
    }

    /** The sign of {@code actual - expected}, or INCOMPARABLE on a type mismatch. */
    int compare(Object actual, Evaluation ev) {
        if (actual == null) {
            return INCOMPARABLE;
        }
        if (!Double.isNaN(number)) {
            double a = Values.toNumber(actual);
            return Double.isNaN(a) ? INCOMPARABLE : Double.compare(a, number);
        }
        if (relative != null || instant != Values.NOT_AN_INSTANT) {
            long a = Values.toInstant(actual);
            long e = relative != null ? relative.resolve(ev.now()) : instant;
            return a == Values.NOT_AN_INSTANT ? INCOMPARABLE : Long.compare(a, e);
        }
        if (text != null && bool == null && actual instanceof String s) {
            return Integer.signum(s.compareTo(text));
        }
        return INCOMPARABLE;
    }

    private static boolean sameDay(long a, long b) {
        return Math.floorDiv(a, DAY) == Math.floorDiv(b, DAY);
    }
}
