package dev.triggerfish.condition;

import java.util.ArrayList;
import java.util.List;

/**
 * Index-friendly conditions implied by one top-level comparison, added beside its exact SQL so that
 * the GIN indexes of {@code crm_records} can serve it: {@code stage equals 'won'} implies
 * {@code attributes @> '{"stage": "won"}'} (a JSON string equal to the text), {@code stage in ['won']} implies
 * the same or {@code attributes @> '{"stage": ["won"]}'} (an array holding it),
 * {@code tags in [...]} implies {@code tags && array[...]}. Only text operands qualify: a number also
 * matches numeric strings, which containment does not find.
 */
final class SqlHints {
    private static final List<String> COLUMNS = List.of("id", "type", "tags", "assigned_to", "version", "created_at", "updated_at");

    private SqlHints() {
    }

    /** The hint for {@code c}, or null when it has none. */
    static String of(ConditionNode.Comparison c, SqlParameters parameters) {
        FieldPath path = FieldPath.of(c.field());
        if (!path.isSimple() || !ConditionSql.encodable(path.head())) {
            return null;
        }
        String field = path.head();
        List<String> texts = switch (c.operator()) {
            case EQUALS, CONTAINS -> c.value() == null ? null : plainTexts(List.of(c.value()));
            case IN -> plainTexts((List<?>) c.value());
            default -> null;
        };
        if (texts == null || texts.isEmpty()) {
            return null;
        }
        if (field.equals("tags")) {
            return switch (c.operator()) {
                case IN -> "r.tags && " + parameters.add(texts.toArray(String[]::new)) + "::text[]";
                case CONTAINS -> "r.tags @> array[" + parameters.add(texts.get(0)) + "::text]";
                default -> null;
            };
        }
        if (COLUMNS.contains(field) || c.operator() == Operator.CONTAINS) {
            return null;
        }
        List<String> any = new ArrayList<>();
        for (String text : texts) {
            any.add("r.attributes @> " + parameters.add("{" + json(field) + ": " + json(text) + "}") + "::text::jsonb");
            if (c.operator() == Operator.IN) {
                // in also matches an array holding the text, and containment finds a nested array's element only as an array
                any.add("r.attributes @> " + parameters.add("{" + json(field) + ": [" + json(text) + "]}") + "::text::jsonb");
            }
        }
        return any.size() == 1 ? any.get(0) : "(" + String.join(" or ", any) + ")";
    }

    /** The values when every one is text that equality compares as text (no number, boolean or date); else null. */
    private static List<String> plainTexts(List<?> values) {
        List<String> texts = new ArrayList<>();
        for (Object value : values) {
            if (!(value instanceof String s) || !ConditionSql.encodable(s)) {
                return null;
            }
            Operand o = new Operand(s);
            if (!Double.isNaN(o.number) || o.bool != null || o.instant != Values.NOT_AN_INSTANT || o.relative != null) {
                return null;
            }
            texts.add(s);
        }
        return texts;
    }

    private static String json(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            switch (ch) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (ch < 0x20) {
                        out.append(String.format("\\u%04x", (int) ch));
                    } else {
                        out.append(ch);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
