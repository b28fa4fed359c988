package dev.triggerfish.condition;

/**
 * What an RE2 pattern will cost, read from its text before anything is compiled: the product of its
 * nested repetition counts and (an upper estimate of) the size of the program it compiles to.
 *
 * <p>RE2J caps each single repeat at 1,000 but not their nesting, and expands repeats while it
 * compiles: {@code ((a{1000}){1000}){1000}} is a program of 10^9 instructions (the heap runs out),
 * and {@code (a{1000}){1000}} one of 10^6 that every match then walks. So a pattern is refused when
 * its nested repetition counts multiply to more than {@link #MAX_REPETITION} (RE2's own rule) or its
 * program exceeds {@link #MAX_PROGRAM} instructions.
 *
 * <p>RE2J matches with a Thompson NFA: per input character it steps each live thread at most once,
 * so a match costs at most program size × input length steps (about 7–9 ns each, measured on a
 * loaded 2-core machine). The input a pattern is searched in is cut to {@link #inputLimit()}
 * characters so that this product stays under {@link #MATCH_BUDGET}: the worst case is about
 * 500,000 steps, i.e. <b>about 4 ms per match</b>, whatever the pattern and the record hold; small
 * patterns (up to 50 instructions, nearly all real ones) see the full 10,000 characters.
 *
 * <p>The walk is one pass over the pattern text (at most {@link ConditionParser#MAX_REGEX_LENGTH}
 * characters). It does not validate: RE2J does that afterwards, on a pattern known to be small.
 */
record RegexCost(long program, long repetition) {
    /** The product of nested repetition counts, as RE2 bounds it. */
    static final int MAX_REPETITION = 1_000;
    /** The most instructions a pattern may compile to (estimated from above). */
    static final int MAX_PROGRAM = 1_000;
    /** Program size × input length of one match, at most. */
    static final long MATCH_BUDGET = 500_000;
    /** Regex operands are matched against at most this many characters. */
    static final int MAX_INPUT = 10_000;
    private static final long SATURATED = 1L << 40;
    /** A compiled program's fixed part: the match instruction and the implicit capture of the whole match. */
    private static final int OVERHEAD = 3;

    /** The characters of a value this pattern is searched in: the budget over the program size, at most 10,000. */
    int inputLimit() {
        return (int) Math.min(MAX_INPUT, MATCH_BUDGET / Math.max(1, program));
    }

    /** Why the pattern is refused, or null when it is within the bounds. */
    String refusal() {
        if (repetition > MAX_REPETITION) {
            return "nested repetition counts multiply to " + show(repetition) + " (at most " + MAX_REPETITION + ")";
        }
        if (program > MAX_PROGRAM) {
            return "it would compile to about " + show(program) + " instructions (at most " + MAX_PROGRAM
                    + "); write smaller repetition counts";
        }
        return null;
    }

    private static String show(long n) {
        return n >= SATURATED ? "more than " + SATURATED : Long.toString(n);
    }

    static RegexCost of(String pattern) {
        return new Walk(pattern).run();
    }

    /** One group being read: its finished alternatives, the concatenation so far, and its last item (which a repetition applies to). */
    private static final class Frame {
        final Frame parent;
        final boolean capture;
        long alternatives;
        long concat;
        long last = -1;
        long lastRepetition = 1;
        long repetition = 1;

        Frame(Frame parent, boolean capture) {
            this.parent = parent;
            this.capture = capture;
        }

        void item(long size, long itemRepetition) {
            flush();
            last = size;
            lastRepetition = itemRepetition;
        }

        void flush() {
            if (last >= 0) {
                concat = add(concat, last);
                repetition = Math.max(repetition, lastRepetition);
                last = -1;
                lastRepetition = 1;
            }
        }

        void alternative() {
            flush();
            alternatives = add(add(alternatives, concat), 1);
            concat = 0;
        }

        long size() {
            flush();
            return add(add(alternatives, concat), capture ? 2 : 0);
        }
    }

    private static final class Walk {
        private final String p;
        private int i;
        private Frame top = new Frame(null, false);

        Walk(String pattern) {
            this.p = pattern;
        }

        RegexCost run() {
            while (i < p.length()) {
                char c = p.charAt(i);
                switch (c) {
                    case '(' -> open();
                    case ')' -> close();
                    case '|' -> {
                        top.alternative();
                        i++;
                    }
                    case '*', '+', '?' -> {
                        repeatLoop();
                        i++;
                        skipLazy();
                    }
                    case '{' -> brace();
                    case '[' -> {
                        skipClass();
                        top.item(1, 1);
                    }
                    case '\\' -> escape();
                    default -> {
                        top.item(1, 1);
                        i++;
                    }
                }
            }
            while (top.parent != null) {
                close();
            }
            long size = top.size();
            return new RegexCost(add(size, OVERHEAD), top.repetition);
        }

        private void open() {
            boolean capture = true;
            i++;
            if (i < p.length() && p.charAt(i) == '?') {
                if (p.startsWith("?P<", i) || p.startsWith("?<", i)) {
                    int end = p.indexOf('>', i);
                    i = end < 0 ? p.length() : end + 1;
                } else {
                    int j = i + 1;
                    while (j < p.length() && p.charAt(j) != ':' && p.charAt(j) != ')') {
                        j++;
                    }
                    if (j < p.length() && p.charAt(j) == ')') {
                        i = j + 1; // (?i): flags only, not a group
                        return;
                    }
                    i = Math.min(j + 1, p.length());
                    capture = false;
                }
            }
            top = new Frame(top, capture);
        }

        private void close() {
            i++;
            if (top.parent == null) {
                top.item(1, 1); // unbalanced: RE2J refuses it
                return;
            }
            Frame group = top;
            long size = group.size();
            top = group.parent;
            top.item(size, group.repetition);
        }

        /** {@code *}, {@code +}, {@code ?}: a loop or an option around the last item, one instruction more. */
        private void repeatLoop() {
            if (top.last >= 0) {
                top.last = add(top.last, 1);
            }
        }

        /** {@code {n}}, {@code {n,}}, {@code {n,m}}: expanded by RE2J into copies of the last item; otherwise a literal brace. */
        private void brace() {
            int j = i + 1;
            int minStart = j;
            while (j < p.length() && Character.isDigit(p.charAt(j))) {
                j++;
            }
            if (j == minStart || j >= p.length()) {
                literalBrace();
                return;
            }
            long min = number(p.substring(minStart, j));
            long max = min;
            if (p.charAt(j) == ',') {
                j++;
                int maxStart = j;
                while (j < p.length() && Character.isDigit(p.charAt(j))) {
                    j++;
                }
                max = j == maxStart ? -1 : number(p.substring(maxStart, j));
            }
            if (j >= p.length() || p.charAt(j) != '}') {
                literalBrace();
                return;
            }
            i = j + 1;
            skipLazy();
            if (top.last < 0) {
                return; // nothing to repeat: RE2J refuses it
            }
            long x = top.last;
            long copies = max < 0 ? add(min, 1) : Math.max(min, max);
            long size = max < 0 ? add(mul(x, copies), 1) : add(add(mul(x, copies), Math.max(0, max - min)), 1);
            long factor = Math.max(1, max < 0 ? min : max);
            top.last = size;
            top.lastRepetition = mul(top.lastRepetition, factor);
        }

        private void literalBrace() {
            top.item(1, 1);
            i++;
        }

        private void skipLazy() {
            if (i < p.length() && p.charAt(i) == '?') {
                i++;
            }
        }

        /** A character class is one instruction, however many ranges it holds. */
        private void skipClass() {
            int j = i + 1;
            if (j < p.length() && p.charAt(j) == '^') {
                j++;
            }
            if (j < p.length() && p.charAt(j) == ']') {
                j++;
            }
            while (j < p.length() && p.charAt(j) != ']') {
                if (p.startsWith("[:", j)) {
                    int end = p.indexOf(":]", j + 2);
                    j = end < 0 ? j + 1 : end + 2;
                } else if (p.charAt(j) == '\\') {
                    j = afterEscape(j);
                } else {
                    j++;
                }
            }
            i = Math.min(j + 1, p.length());
        }

        private void escape() {
            if (p.startsWith("\\Q", i)) {
                int end = p.indexOf("\\E", i + 2);
                int stop = end < 0 ? p.length() : end;
                for (int k = i + 2; k < stop; k++) {
                    top.item(1, 1);
                }
                i = end < 0 ? p.length() : end + 2;
                return;
            }
            i = afterEscape(i);
            top.item(1, 1);
        }

        /** The index after the escape starting at {@code j} (a backslash). */
        private int afterEscape(int j) {
            int k = j + 1;
            if (k >= p.length()) {
                return p.length();
            }
            char e = p.charAt(k);
            if ((e == 'p' || e == 'P' || e == 'x') && k + 1 < p.length() && p.charAt(k + 1) == '{') {
                int end = p.indexOf('}', k + 1);
                return end < 0 ? p.length() : end + 1;
            }
            if (e == 'p' || e == 'P') {
                return Math.min(k + 2, p.length());
            }
            if (e == 'x') {
                return Math.min(k + 3, p.length());
            }
            if (e >= '0' && e <= '7') {
                int end = k + 1;
                while (end < p.length() && end < k + 3 && p.charAt(end) >= '0' && p.charAt(end) <= '7') {
                    end++;
                }
                return end;
            }
            return k + 1;
        }
    }

    private static long number(String digits) {
        return digits.length() > 9 ? SATURATED : Math.min(SATURATED, Long.parseLong(digits));
    }

    private static long add(long a, long b) {
        return Math.min(SATURATED, a + b);
    }

    private static long mul(long a, long b) {
        return a != 0 && b > SATURATED / a ? SATURATED : Math.min(SATURATED, a * b);
    }
}
