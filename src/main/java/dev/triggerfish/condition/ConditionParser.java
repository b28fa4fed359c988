package dev.triggerfish.condition;

import com.google.re2j.PatternSyntaxException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the spec's condition list (plain Maps and Lists, as JSON gives them) into a
 * {@link ConditionNode}. A flat list is AND; a {@code {"logic": "OR"}} item joins its two
 * neighbours with OR (so {@code [a, b, OR, c]} is {@code a AND (b OR c)}); {@code {"logic": "AND"}}
 * is the default made explicit; {@code {"group": [...]}} nests. Every error is collected with the
 * JSON path of its item.
 */
public final class ConditionParser {
    /** Groups nest at most this deep (the top-level list is depth 1). */
    public static final int MAX_DEPTH = 8;
    /** A trigger holds at most this many leaves. */
    public static final int MAX_LEAVES = 256;
    /** A regex value is at most this long. */
    public static final int MAX_REGEX_LENGTH = 1_000;

    private final List<ConditionError> errors = new ArrayList<>();
    private int leaves;

    private ConditionParser() {
    }

    /**
     * Parses {@code conditions} (null or a list) written at {@code path}.
     *
     * @throws InvalidConditions with every error found
     */
    public static ConditionNode parse(Object conditions, String path) {
        ConditionParser parser = new ConditionParser();
        ConditionNode node = conditions == null ? new ConditionNode.All(List.of()) : parser.list(conditions, path, 1);
        if (!parser.errors.isEmpty()) {
            throw new InvalidConditions(parser.errors);
        }
        return node;
    }

    private ConditionNode list(Object raw, String path, int depth) {
        if (!(raw instanceof List<?> items)) {
            return error(path, "must be a list of conditions");
        }
        if (depth > MAX_DEPTH) {
            return error(path, "groups nest deeper than " + MAX_DEPTH + " levels");
        }
        List<ConditionNode> conjuncts = new ArrayList<>();
        List<ConditionNode> disjunction = null;
        boolean orPending = false;
        boolean connectorAllowed = false;
        for (int i = 0; i < items.size(); i++) {
            String itemPath = path + "[" + i + "]";
            Object item = items.get(i);
            if (item instanceof Map<?, ?> map && map.containsKey("logic") && !map.containsKey("field") && !map.containsKey("group")) {
                String logic = String.valueOf(map.get("logic")).toUpperCase(Locale.ROOT);
                if (!logic.equals("AND") && !logic.equals("OR")) {
                    error(itemPath + ".logic", "must be AND or OR, was '" + map.get("logic") + "'");
                } else if (!connectorAllowed) {
                    error(itemPath, "a logic item must stand between two conditions");
                } else if (i == items.size() - 1) {
                    error(itemPath, "a logic item must stand between two conditions (it ends the list)");
                }
                orPending = logic.equals("OR");
                connectorAllowed = false;
                continue;
            }
            ConditionNode node = item(item, itemPath, depth);
            if (orPending && (disjunction != null || !conjuncts.isEmpty())) {
                if (disjunction == null) {
                    disjunction = new ArrayList<>();
                    disjunction.add(conjuncts.remove(conjuncts.size() - 1));
                }
                disjunction.add(node);
            } else {
                closeDisjunction(conjuncts, disjunction);
                disjunction = null;
                conjuncts.add(node);
            }
            orPending = false;
            connectorAllowed = true;
        }
        closeDisjunction(conjuncts, disjunction);
        return conjuncts.size() == 1 ? conjuncts.get(0) : new ConditionNode.All(List.copyOf(conjuncts));
    }

    /** Puts a finished OR run back in the AND list as one node. */
    private static void closeDisjunction(List<ConditionNode> conjuncts, List<ConditionNode> disjunction) {
        if (disjunction != null) {
            conjuncts.add(new ConditionNode.Any(List.copyOf(disjunction)));
        }
    }

    private ConditionNode item(Object item, String path, int depth) {
        if (!(item instanceof Map<?, ?> map)) {
            return error(path, "must be a condition object ({field, operator, value}), a {logic} or a {group}");
        }
        if (map.containsKey("group")) {
            Object group = map.get("group");
            if (group instanceof List<?> l && l.isEmpty()) {
                return error(path + ".group", "must not be empty");
            }
            return list(group, path + ".group", depth + 1);
        }
        return leaf(map, path);
    }

    private ConditionNode leaf(Map<?, ?> map, String path) {
        if (++leaves > MAX_LEAVES) {
            return error(path, "more than " + MAX_LEAVES + " conditions in one trigger");
        }
        int before = errors.size();
        Object field = map.get("field");
        if (!(field instanceof String f) || f.isBlank()) {
            error(path + ".field", "is required: the dot path of the field to test");
        } else if (!FieldPath.of(f).isWellFormed()) {
            error(path + ".field", "is not a valid dot path: '" + f + "'");
        }
        Object opName = map.get("operator");
        Operator operator = opName instanceof String s ? Operator.fromWireName(s) : null;
        if (opName == null) {
            error(path + ".operator", "is required (one of: " + Operator.allWireNames() + ")");
        } else if (operator == null) {
            error(path + ".operator", "unknown operator '" + opName + "' (one of: " + Operator.allWireNames() + ")");
        } else {
            checkValue(operator, map, path + ".value");
        }
        if (errors.size() > before) {
            return new ConditionNode.All(List.of());
        }
        return new ConditionNode.Comparison(path, (String) field, operator, map.get("value"));
    }

    private void checkValue(Operator operator, Map<?, ?> map, String path) {
        Object value = map.get("value");
        switch (operator.operand()) {
            case NONE -> { }
            case SCALAR -> {
                if (!map.containsKey("value")) {
                    error(path, "is required for operator '" + operator.wireName() + "'");
                } else if (value instanceof Map<?, ?> || value instanceof List<?>) {
                    error(path, "must be a single value for operator '" + operator.wireName() + "'");
                } else {
                    checkScalar(operator, value, path);
                }
            }
            case LIST -> {
                if (!(value instanceof List<?> list)) {
                    error(path, "must be a list for operator '" + operator.wireName() + "'");
                } else {
                    for (int i = 0; i < list.size(); i++) {
                        if (list.get(i) instanceof Map<?, ?> || list.get(i) instanceof List<?>) {
                            error(path + "[" + i + "]", "must be a single value");
                        }
                    }
                }
            }
            case PAIR -> {
                if (!(value instanceof List<?> list) || list.size() != 2) {
                    error(path, "must be a list of two values [low, high] for operator 'between'");
                } else {
                    checkScalar(operator, list.get(0), path + "[0]");
                    checkScalar(operator, list.get(1), path + "[1]");
                }
            }
        }
    }

    private void checkScalar(Operator operator, Object value, String path) {
        if (!(value instanceof String s)) {
            return;
        }
        if (operator == Operator.REGEX) {
            if (s.length() > MAX_REGEX_LENGTH) {
                error(path, "regex longer than " + MAX_REGEX_LENGTH + " characters");
                return;
            }
            String refusal = RegexCost.of(s).refusal();
            if (refusal != null) {
                error(path, "regex too costly: " + refusal);
                return;
            }
            try {
                com.google.re2j.Pattern.compile(s);
            } catch (PatternSyntaxException e) {
                error(path, "invalid regex: " + e.getDescription());
            }
        } else if (RelativeDate.looksRelative(s) && RelativeDate.parse(s).isEmpty()) {
            error(path, "malformed relative date '" + s + "' (write e.g. '7 days ago', '2 hours ago', 'in 3 days', 'today')");
        }
    }

    private ConditionNode error(String path, String message) {
        errors.add(new ConditionError(path, message));
        return new ConditionNode.All(List.of());
    }
}
