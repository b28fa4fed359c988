package dev.triggerfish.api;

import java.math.BigDecimal;
import java.math.BigInteger;

/** Ids written in JSON as a string or a whole number, as the text they are stored as. */
public final class Ids {
    /** Whole numbers written as JSON numbers are exact only up to 2^53 once read as a double. */
    private static final double EXACT = 9_007_199_254_740_992d;

    private Ids() {
    }

    /**
     * The id {@code raw} names: a string as is, a whole number as its digits ({@code 12.0} is
     * {@code "12"}); null for anything else, a fraction, or a number that cannot be exact (never a
     * wrapped or rounded one).
     */
    public static String text(Object raw) {
        if (raw instanceof String s) {
            return s;
        }
        if (raw instanceof Integer || raw instanceof Long || raw instanceof Short || raw instanceof Byte) {
            return raw.toString();
        }
        if (raw instanceof BigInteger b) {
            return b.bitLength() < 64 ? b.toString() : null;
        }
        if (raw instanceof BigDecimal d) {
            try {
                return d.toBigIntegerExact().bitLength() < 64 ? d.toBigIntegerExact().toString() : null;
            } catch (ArithmeticException fraction) {
                return null;
            }
        }
        if (raw instanceof Double || raw instanceof Float) {
            double d = ((Number) raw).doubleValue();
            return d == Math.rint(d) && Math.abs(d) <= EXACT ? Long.toString((long) d) : null;
        }
        return null;
    }
}
