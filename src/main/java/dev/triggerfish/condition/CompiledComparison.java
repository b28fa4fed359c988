package dev.triggerfish.condition;

import com.google.re2j.Pattern;

import java.util.List;

/** One compiled comparison: reads its path, then applies its operator to what it found. */
abstract class CompiledComparison extends CompiledCondition.Predicate {
    final ConditionNode.Comparison source;
    final FieldPath path;

    CompiledComparison(ConditionNode.Comparison source) {
        this.source = source;
        this.path = FieldPath.of(source.field());
    }

    static CompiledComparison of(ConditionNode.Comparison s) {
        Object v = s.value();
        return switch (s.operator()) {
            case EQUALS -> new Test(s, new Operand(v), (a, o, ev) -> o.matches(a, ev));
            case NOT_EQUALS -> new Test(s, new Operand(v), (a, o, ev) -> v == null ? a != null : a != null && !o.matches(a, ev));
            case GREATER_THAN -> new Test(s, new Operand(v), (a, o, ev) -> compare(a, o, ev) > 0);
            case GREATER_THAN_OR_EQUAL -> new Test(s, new Operand(v), (a, o, ev) -> compare(a, o, ev) >= 0);
            case LESS_THAN -> new Test(s, new Operand(v), (a, o, ev) -> {
                int c = compare(a, o, ev);
                return c != Operand.INCOMPARABLE && c < 0;
            });
            case LESS_THAN_OR_EQUAL -> new Test(s, new Operand(v), (a, o, ev) -> {
                int c = compare(a, o, ev);
                return c != Operand.INCOMPARABLE && c <= 0;
            });
            case IN -> new Membership(s, true);
            case NOT_IN -> new Membership(s, false);
            case CONTAINS -> new Test(s, new Operand(v), CompiledComparison::contains);
            case NOT_CONTAINS -> new Test(s, new Operand(v), (a, o, ev) -> a != null && !contains(a, o, ev));
            case STARTS_WITH -> new Test(s, new Operand(v), (a, o, ev) -> {
                String t = Values.toText(a);
                return t != null && o.text != null && t.startsWith(o.text);
            });
            case ENDS_WITH -> new Test(s, new Operand(v), (a, o, ev) -> {
                String t = Values.toText(a);
                return t != null && o.text != null && t.endsWith(o.text);
            });
            case IS_EMPTY -> new Test(s, new Operand(null), (a, o, ev) -> Values.isEmpty(a));
            case IS_NOT_EMPTY -> new Test(s, new Operand(null), (a, o, ev) -> !Values.isEmpty(a));
            case BETWEEN -> new Between(s);
            case REGEX -> new Regex(s);
            case CHANGED, CHANGED_TO, CHANGED_FROM -> new Change(s);
        };
    }

    private static int compare(Object actual, Operand o, Evaluation ev) {
        int c = o.compare(actual, ev);
        return c == Operand.INCOMPARABLE ? Integer.MIN_VALUE : c;
    }

    private static boolean contains(Object actual, Operand o, Evaluation ev) {
        if (actual instanceof String s) {
            return o.text != null && s.contains(o.text);
        }
        if (actual instanceof List<?> list) {
            for (Object element : list) {
                if (o.matches(element, ev)) {
                    return true;
                }
            }
        }
        return false;
    }

    boolean usesClock() {
        return false;
    }

    /** The result for the value found at the path. */
    abstract boolean test(Object actual, Evaluation ev);

    @Override
    boolean test(Evaluation ev) {
        return test(path.read(ev.record, ev.resolver), ev);
    }

    @Override
    boolean explain(Evaluation ev, List<Explanation.LeafTrace> out) {
        Object actual = path.read(ev.record, ev.resolver);
        boolean result = test(actual, ev);
        out.add(new Explanation.LeafTrace(source.source(), source.field(), source.operator().wireName(),
                source.value(), actual, null, result));
        return result;
    }

    /** An operator with one operand. */
    private static final class Test extends CompiledComparison {
        private final Operand operand;
        private final Check check;

        Test(ConditionNode.Comparison source, Operand operand, Check check) {
            super(source);
            this.operand = operand;
            this.check = check;
        }

        @Override
        boolean usesClock() {
            return operand.relative != null;
        }

        @Override
        boolean test(Object actual, Evaluation ev) {
            return check.test(actual, operand, ev);
        }
    }

    @FunctionalInterface
    private interface Check {
        boolean test(Object actual, Operand operand, Evaluation ev);
    }

    /** in / not_in: a scalar in the list, or a list sharing an element with it. */
    private static final class Membership extends CompiledComparison {
        private final Operand[] options;
        private final boolean positive;

        Membership(ConditionNode.Comparison source, boolean positive) {
            super(source);
            this.options = ((List<?>) source.value()).stream().map(Operand::new).toArray(Operand[]::new);
            this.positive = positive;
        }

        @Override
        boolean usesClock() {
            for (Operand o : options) {
                if (o.relative != null) {
                    return true;
                }
            }
            return false;
        }

        @Override
        boolean test(Object actual, Evaluation ev) {
            if (actual == null) {
                return false;
            }
            boolean found = false;
            if (actual instanceof List<?> list) {
                for (int i = 0; i < list.size() && !found; i++) {
                    found = any(list.get(i), ev);
                }
            } else {
                found = any(actual, ev);
            }
            return found == positive;
        }

        private boolean any(Object value, Evaluation ev) {
            for (Operand o : options) {
                if (o.matches(value, ev)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** between [low, high], both ends included. */
    private static final class Between extends CompiledComparison {
        private final Operand low;
        private final Operand high;

        Between(ConditionNode.Comparison source) {
            super(source);
            List<?> pair = (List<?>) source.value();
            this.low = new Operand(pair.get(0));
            this.high = new Operand(pair.get(1));
        }

        @Override
        boolean usesClock() {
            return low.relative != null || high.relative != null;
        }

        @Override
        boolean test(Object actual, Evaluation ev) {
            int lo = low.compare(actual, ev);
            if (lo == Operand.INCOMPARABLE || lo < 0) {
                return false;
            }
            int hi = high.compare(actual, ev);
            return hi != Operand.INCOMPARABLE && hi <= 0;
        }
    }

    /**
     * regex: RE2 semantics (linear time, no catastrophic backtracking) on an input cut so that one
     * match costs at most {@link RegexCost#MATCH_BUDGET} NFA steps (about 4 ms; see {@link RegexCost}).
     */
    private static final class Regex extends CompiledComparison {
        private final Pattern pattern;
        private final int inputLimit;

        Regex(ConditionNode.Comparison source) {
            super(source);
            String text = String.valueOf(source.value());
            RegexCost cost = RegexCost.of(text);
            if (cost.refusal() != null) {
                // the parser refuses these; a pattern stored before the bounds existed is never compiled either
                throw new IllegalArgumentException("regex too costly at " + source.source() + ": " + cost.refusal());
            }
            this.pattern = Pattern.compile(text);
            this.inputLimit = cost.inputLimit();
        }

        @Override
        boolean test(Object actual, Evaluation ev) {
            String text = Values.toText(actual);
            if (text == null) {
                return false;
            }
            return pattern.matcher(text.length() > inputLimit ? text.substring(0, inputLimit) : text).find();
        }
    }

    /** changed / changed_to / changed_from: compare the previous state with the new one. */
    private static final class Change extends CompiledComparison {
        private final Operand operand;

        Change(ConditionNode.Comparison source) {
            super(source);
            this.operand = new Operand(source.value());
        }

        @Override
        boolean usesClock() {
            return operand.relative != null;
        }

        @Override
        boolean test(Evaluation ev) {
            return !ev.snapshot && decide(path.read(ev.record, ev.resolver), previousValue(ev), ev);
        }

        @Override
        boolean test(Object actual, Evaluation ev) {
            return !ev.snapshot && decide(actual, previousValue(ev), ev);
        }

        @Override
        boolean explain(Evaluation ev, List<Explanation.LeafTrace> out) {
            Object actual = path.read(ev.record, ev.resolver);
            Object previous = previousValue(ev);
            boolean result = !ev.snapshot && decide(actual, previous, ev);
            out.add(new Explanation.LeafTrace(source.source(), source.field(), source.operator().wireName(),
                    source.value(), actual, previous, result));
            return result;
        }

        private Object previousValue(Evaluation ev) {
            return ev.previous == null ? null : path.read(ev.previous, ev.resolver);
        }

        /** Without a previous state (a new record), a value that exists counts as changed from nothing. */
        private boolean decide(Object now, Object before, Evaluation ev) {
            boolean created = ev.previous == null;
            boolean changed = created ? now != null : !Values.looselyEqual(before, now);
            return switch (source.operator()) {
                case CHANGED -> changed;
                case CHANGED_TO -> changed && operand.matches(now, ev);
                case CHANGED_FROM -> !created && changed && operand.matches(before, ev);
                default -> false;
            };
        }
    }
}
