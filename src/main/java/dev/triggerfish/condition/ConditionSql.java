package dev.triggerfish.condition;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Compiles a trigger's conditions to a {@link SqlPredicate} over the stored records, for time-based
 * triggers: the database finds the candidates, never all records in memory. Each comparison becomes
 * SQL that answers as {@link CompiledComparison} does (true or false), or null (unknown) for a row
 * whose value SQL cannot read exactly like Java; AND and OR keep SQL's three-valued logic, so a row
 * is left out only when Java would say false too, and a row whose answer is unknown is rechecked in
 * memory. Relative dates are resolved against the given instant, not the database clock, so that a
 * past slot gets that time's answer.
 *
 * <p>What SQL never decides: {@code regex} (RE2 and PostgreSQL regexes differ), and the change operators
 * ({@code changed}, {@code changed_to}, {@code changed_from}), which compare a previous state that a
 * stored record does not have; SQL only leaves out rows where their value is missing.
 */
public final class ConditionSql {
    private static final long DAY = 86_400_000L;

    private final SqlParameters parameters = new SqlParameters();
    private final SqlPaths paths;
    private final long asOf;
    private final List<String> residual = new ArrayList<>();
    private int elements;

    private ConditionSql(RelationTypes types, Instant asOf) {
        this.paths = new SqlPaths(parameters, types);
        this.asOf = asOf.toEpochMilli();
    }

    /** The predicate of {@code condition} as it holds at {@code asOf}; {@code types} names the relations' record types. */
    public static SqlPredicate compile(CompiledCondition condition, Instant asOf, RelationTypes types) {
        return new ConditionSql(types, asOf).predicate(condition.ast());
    }

    /** Three-valued SQL; {@code sure} when it is never null. */
    private record Sql(String text, boolean sure) {
        static Sql of(String text) {
            return new Sql(text, true);
        }

        static Sql unknown(String text) {
            return new Sql(text, false);
        }
    }

    private SqlPredicate predicate(ConditionNode ast) {
        List<ConditionNode> conjuncts = ast instanceof ConditionNode.All all ? all.children() : List.of(ast);
        List<String> where = new ArrayList<>();
        List<Sql> parts = new ArrayList<>();
        for (ConditionNode conjunct : conjuncts) {
            String hint = conjunct instanceof ConditionNode.Comparison c ? SqlHints.of(c, parameters) : null;
            if (hint != null) {
                where.add(hint);
            }
            Sql part = node(conjunct);
            parts.add(part);
            where.add(part.sure() ? part.text() : "(" + part.text() + ") is not false");
        }
        boolean sure = parts.stream().allMatch(Sql::sure);
        String all = parts.size() == 1 ? parts.get(0).text() : parts.stream().map(Sql::text).collect(Collectors.joining(" and ", "(", ")"));
        return new SqlPredicate(paths.joins(), where.isEmpty() ? "true" : String.join("\n  and ", where),
                sure ? "false" : "(" + all + ") is null", parameters.values(), List.copyOf(residual));
    }

    private Sql node(ConditionNode node) {
        if (node instanceof ConditionNode.All all) {
            return join(all.children(), " and ", "true");
        }
        if (node instanceof ConditionNode.Any any) {
            return join(any.children(), " or ", "false");
        }
        return comparison((ConditionNode.Comparison) node);
    }

    private Sql join(List<ConditionNode> children, String connective, String empty) {
        if (children.isEmpty()) {
            return Sql.of(empty);
        }
        List<Sql> parts = children.stream().map(this::node).toList();
        return new Sql(parts.stream().map(Sql::text).collect(Collectors.joining(connective, "(", ")")), parts.stream().allMatch(Sql::sure));
    }

    private Sql comparison(ConditionNode.Comparison c) {
        FieldPath path = FieldPath.of(c.field());
        Sql sql = storedTime(path, c);
        if (sql == null) {
            SqlValue value = paths.value(path);
            sql = value == null ? Sql.unknown("null::boolean") : test(value, c);
            if (value != null && value.pathMayBeUnsure) {
                sql = Sql.unknown("case when " + value.col("path_u") + " then null::boolean else " + sql.text() + " end");
            }
        }
        if (!sql.sure()) {
            residual.add(c.source() + ": " + c.field() + " " + c.operator().wireName());
        }
        return sql;
    }

    private Sql test(SqlValue v, ConditionNode.Comparison c) {
        Object raw = c.value();
        return switch (c.operator()) {
            case EQUALS -> equal(v, new Operand(raw));
            case NOT_EQUALS -> raw == null ? Sql.of("not " + v.isNull()) : not(v, equal(v, new Operand(raw)));
            case GREATER_THAN -> compare(v, new Operand(raw), ">");
            case GREATER_THAN_OR_EQUAL -> compare(v, new Operand(raw), ">=");
            case LESS_THAN -> compare(v, new Operand(raw), "<");
            case LESS_THAN_OR_EQUAL -> compare(v, new Operand(raw), "<=");
            case IN -> present(v, member(v, options(raw)));
            case NOT_IN -> not(v, member(v, options(raw)));
            case CONTAINS -> contains(v, new Operand(raw));
            case NOT_CONTAINS -> not(v, contains(v, new Operand(raw)));
            case STARTS_WITH -> affix(v, new Operand(raw), "starts_with(%s, %s)");
            case ENDS_WITH -> affix(v, new Operand(raw), "right(%s, length(%2$s)) = %2$s");
            case IS_EMPTY -> Sql.of(v.col("blank"));
            case IS_NOT_EMPTY -> Sql.of("not " + v.col("blank"));
            case BETWEEN -> {
                List<?> pair = (List<?>) raw;
                Sql low = compare(v, new Operand(pair.get(0)), ">=");
                Sql high = compare(v, new Operand(pair.get(1)), "<=");
                yield new Sql("(" + low.text() + " and " + high.text() + ")", low.sure() && high.sure());
            }
            case REGEX -> Sql.unknown("case when " + v.col("txt") + " is null and not " + v.col("txt_u") + " then false end");
            case CHANGED -> Sql.unknown("case when " + v.isNull() + " then false end");
            case CHANGED_TO -> Sql.unknown("case when " + v.isNull() + " or (" + equal(v, new Operand(raw)).text() + ") is false then false end");
            case CHANGED_FROM -> Sql.unknown("null::boolean");
        };
    }

    /** Java's operators with a negation answer false on a missing value, not true. */
    private static Sql not(SqlValue v, Sql positive) {
        return new Sql("case when " + v.isNull() + " then false else not " + positive.text() + " end", positive.sure());
    }

    private static Sql present(SqlValue v, Sql test) {
        return new Sql("case when " + v.isNull() + " then false else " + test.text() + " end", test.sure());
    }

    /** {@code equals}: {@link Operand#matches}. */
    private Sql equal(SqlValue v, Operand o) {
        if (o.raw == null) {
            return Sql.of("(" + v.isNull() + ")");
        }
        if (!Double.isNaN(o.number)) {
            return Sql.unknown("case when " + v.col("num_u") + " then null::boolean else coalesce(" + v.col("num") + " = "
                    + parameters.add(o.number) + "::float8, false) end");
        }
        if (o.bool != null) {
            return Sql.of("coalesce(" + v.col("bool") + " = " + parameters.add(o.bool) + "::boolean, false)");
        }
        if (o.relative != null || o.instant != Values.NOT_AN_INSTANT) {
            long e = o.relative != null ? o.relative.resolve(asOf) : o.instant;
            boolean day = o.relative != null ? o.relative.dayPrecision() : o.dateOnly;
            long from = day ? Math.floorDiv(e, DAY) * DAY : e;
            long to = day ? from + DAY : e + 1;
            return Sql.unknown("case when " + v.col("inst_u") + " then null::boolean else coalesce(" + v.col("inst") + " >= "
                    + parameters.add(from) + "::bigint and " + v.col("inst") + " < " + parameters.add(to) + "::bigint, false) end");
        }
        if (!encodable(o.text)) {
            return Sql.unknown("null::boolean");
        }
        String eq = "coalesce(" + v.col(stringOnly(o) ? "s" : "str") + " = " + parameters.add(o.text) + "::text, false)";
        return v.textMayBeUnsure ? Sql.unknown("case when " + v.col("str_u") + " then null::boolean else " + eq + " end") : Sql.of(eq);
    }

    /** The ordering operators: {@link Operand#compare}, false when incomparable. */
    private Sql compare(SqlValue v, Operand o, String op) {
        if (o.raw == null) {
            return Sql.of("false");
        }
        if (!Double.isNaN(o.number)) {
            String cmp = "coalesce(" + v.col("num") + " " + op + " " + parameters.add(o.number) + "::float8, false)";
            if (o.number == 0) {
                // Double.compare orders -0.0 before 0.0; a numeric string "-0" is -0.0 in Java
                boolean negative = Double.doubleToRawLongBits(o.number) < 0;
                cmp = "case when " + v.col("num") + " = 0 then (case when " + v.col("negz") + " = " + negative + " then 0 when "
                        + v.col("negz") + " then -1 else 1 end) " + op + " 0 else " + cmp + " end";
            }
            return Sql.unknown("case when " + v.col("num_u") + " then null::boolean else " + cmp + " end");
        }
        if (o.relative != null || o.instant != Values.NOT_AN_INSTANT) {
            long e = o.relative != null ? o.relative.resolve(asOf) : o.instant;
            return Sql.unknown("case when " + v.col("inst_u") + " then null::boolean else coalesce(" + v.col("inst") + " " + op + " "
                    + parameters.add(e) + "::bigint, false) end");
        }
        if (o.text != null && o.bool == null) {
            if (!encodable(o.text) || o.text.chars().anyMatch(ch -> ch >= 0xD800)) {
                return Sql.unknown("case when " + v.col("str") + " is null and not " + v.col("str_u") + " then false end");
            }
            return Sql.unknown("case when " + (v.textMayBeUnsure ? v.col("str_u") + " or " : "") + "coalesce(" + v.col("str") + " ~ '"
                    + SqlValue.HIGH_CHARACTERS + "', false) then null::boolean else coalesce(" + v.col("str") + " collate \"C\" " + op + " "
                    + parameters.add(o.text) + "::text, false) end");
        }
        return Sql.of("false");
    }

    /** {@code in}: a scalar equal to an option, or an array with an element equal to one. */
    private Sql member(SqlValue v, List<Operand> options) {
        if (options.isEmpty()) {
            return Sql.of("false");
        }
        Sql scalar = anyOption(v, options);
        Sql elements = anyElement(v, options);
        if (!v.textMayBeUnsure && options.stream().allMatch(ConditionSql::stringOnly)) {
            // the JSON text decides first (only a string's text equals such options), the type is read
            // only for what may be an array: most rows never compute jsonb_typeof again
            return new Sql("(case when " + scalar.text() + " then true when starts_with(" + v.col("s") + ", '[') and " + v.col("t")
                    + " = 'array' then " + elements.text() + " else false end)", scalar.sure() && elements.sure());
        }
        return new Sql("(case when " + v.col("t") + " = 'array' then " + elements.text() + " else " + scalar.text() + " end)",
                scalar.sure() && elements.sure());
    }

    private Sql anyOption(SqlValue v, List<Operand> options) {
        if (options.stream().allMatch(ConditionSql::plainText)) {
            // one comparison against the options instead of one per option: PostgreSQL computes the
            // path's text once per row, not once per option (the scan's hottest expression)
            String text = v.col(options.stream().allMatch(ConditionSql::stringOnly) ? "s" : "str");
            String any = "coalesce(" + text + " = any(array[" + options.stream().map(o -> parameters.add(o.text) + "::text")
                    .collect(Collectors.joining(", ")) + "]), false)";
            return v.textMayBeUnsure ? Sql.unknown("case when " + v.col("str_u") + " then null::boolean else " + any + " end") : Sql.of(any);
        }
        List<Sql> tests = options.stream().map(o -> equal(v, o)).toList();
        return new Sql(tests.stream().map(Sql::text).collect(Collectors.joining(" or ", "(", ")")), tests.stream().allMatch(Sql::sure));
    }

    private Sql anyElement(SqlValue array, List<Operand> options) {
        String alias = "e" + (++elements);
        Sql match = anyOption(new SqlValue(alias, false, false), options);
        String from = "select 1 from " + SqlPaths.elementLateral(array, alias);
        if (match.sure()) {
            return Sql.of("exists (" + from + " where " + match.text() + ")");
        }
        return Sql.unknown("(case when exists (" + from + " where " + match.text() + " is true) then true when exists (" + from
                + " where " + match.text() + " is null) then null::boolean else false end)");
    }

    /** An option that {@link #equal} compares as text only: the same answer as one {@code = any(…)} over such options. */
    private static boolean plainText(Operand o) {
        return o.raw != null && Double.isNaN(o.number) && o.bool == null && o.relative == null && o.instant == Values.NOT_AN_INSTANT
                && o.text != null && encodable(o.text);
    }

    /**
     * Plain text that no JSON value's text ({@code ->>}) equals unless the value is that string: not a
     * container's ({@code [}, <code>{</code>), a number's (a digit or {@code -}: numbers over 40 characters are text
     * to {@link Values#toNumber}) or a boolean's ({@code true}, {@code false} are booleans to {@link Operand}).
     */
    private static boolean stringOnly(Operand o) {
        if (!plainText(o)) {
            return false;
        }
        char first = o.text.isEmpty() ? 'x' : o.text.charAt(0);
        return first != '[' && first != '{' && first != '-' && (first < '0' || first > '9');
    }

    /** {@code contains}: a substring of a string, or an element of an array. */
    private Sql contains(SqlValue v, Operand o) {
        Sql inString;
        if (o.text == null) {
            inString = Sql.of("false");
        } else if (!encodable(o.text)) {
            inString = Sql.unknown("null::boolean");
        } else {
            String found = "coalesce(strpos(" + v.col("str") + ", " + parameters.add(o.text) + "::text) > 0, false)";
            inString = v.textMayBeUnsure ? Sql.unknown("case when " + v.col("str_u") + " then null::boolean else " + found + " end") : Sql.of(found);
        }
        Sql inArray = anyElement(v, List.of(o));
        return new Sql("(case when " + v.col("t") + " = 'string' then " + inString.text() + " when " + v.col("t") + " = 'array' then "
                + inArray.text() + " else false end)", inString.sure() && inArray.sure());
    }

    /** {@code starts_with} / {@code ends_with} on {@link Values#toText}. */
    private Sql affix(SqlValue v, Operand o, String test) {
        if (o.text == null) {
            return Sql.of("false");
        }
        if (!encodable(o.text)) {
            return Sql.unknown("case when " + v.col("txt") + " is null and not " + v.col("txt_u") + " then false end");
        }
        String p = parameters.add(o.text) + "::text";
        return Sql.unknown("case when " + v.col("txt_u") + " then null::boolean else coalesce(" + test.formatted(v.col("txt"), p) + ", false) end");
    }

    /**
     * A stored time ({@code updated_at less_than '7 days ago'}) compared with dates, on the column
     * itself so that an index serves it: Java compares whole milliseconds, so {@code > e} is {@code >= e + 1 ms}.
     * Exact for the times the database writes (years 1 to 9999; Java reads no date in {@code "+10000-…"}).
     */
    private Sql storedTime(FieldPath path, ConditionNode.Comparison c) {
        if (!path.isSimple() || !SqlPaths.isTime(path.head())) {
            return null;
        }
        String column = "r." + path.head();
        return switch (c.operator()) {
            case GREATER_THAN -> timeBound(column, ">=", c.value(), 1);
            case GREATER_THAN_OR_EQUAL -> timeBound(column, ">=", c.value(), 0);
            case LESS_THAN -> timeBound(column, "<", c.value(), 0);
            case LESS_THAN_OR_EQUAL -> timeBound(column, "<", c.value(), 1);
            case BETWEEN -> {
                List<?> pair = (List<?>) c.value();
                Sql low = timeBound(column, ">=", pair.get(0), 0);
                Sql high = timeBound(column, "<", pair.get(1), 1);
                yield low == null || high == null ? null : Sql.of("(" + low.text() + " and " + high.text() + ")");
            }
            default -> null;
        };
    }

    private Sql timeBound(String column, String op, Object raw, long plusMillis) {
        Operand o = new Operand(raw);
        if (raw == null || !Double.isNaN(o.number) || (o.relative == null && o.instant == Values.NOT_AN_INSTANT)) {
            return null;
        }
        long e = (o.relative != null ? o.relative.resolve(asOf) : o.instant) + plusMillis;
        return Sql.of(column + " " + op + " " + parameters.add(OffsetDateTime.ofInstant(Instant.ofEpochMilli(e), ZoneOffset.UTC)) + "::timestamptz");
    }

    private static List<Operand> options(Object raw) {
        return ((List<?>) raw).stream().map(Operand::new).toList();
    }

    /** Text PostgreSQL can take as a parameter unchanged: no NUL, no lone surrogate. */
    static boolean encodable(String text) {
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch == 0) {
                return false;
            }
            if (Character.isHighSurrogate(ch) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(ch)) {
                return false;
            }
        }
        return true;
    }
}
