package dev.triggerfish.condition;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads dot paths in SQL as {@link FieldPath} reads them in Java from {@code CrmRecord.toJson()}:
 * the first segment is a column ({@code id}, {@code type}, {@code tags}, {@code assigned_to},
 * {@code version}, the two times) or an attribute; a missing first segment with a sibling
 * {@code <segment>_id} is a relation, joined to {@code crm_records}; later segments walk objects and
 * array indexes. Where Java would resolve a relation deeper down (which the record store does not
 * prefetch), the path is unsure for that row. Each path is classified once, as a {@link SqlValue}.
 */
final class SqlPaths {
    /** Segments PostgreSQL reads as an array index where FieldPath reads none (signs, spaces, ten digits). */
    private static final Pattern ODD_INDEX = Pattern.compile("[ \\t\\n\\u000B\\f\\r]*[+-]?[0-9]+");
    private static final Pattern INDEX = Pattern.compile("[0-9]{1,9}");

    private final SqlParameters parameters;
    private final RelationTypes types;
    private final StringBuilder relationJoins = new StringBuilder();
    private final StringBuilder laterals = new StringBuilder();
    private final Map<String, String> relationAliases = new LinkedHashMap<>();
    private final Map<String, SqlValue> values = new LinkedHashMap<>();

    SqlPaths(SqlParameters parameters, RelationTypes types) {
        this.parameters = parameters;
        this.types = types;
    }

    /** The joins and laterals of every path read so far. */
    String joins() {
        return relationJoins.toString() + laterals;
    }

    /** The classified value at {@code path}, or null when SQL cannot read it like Java for any row. */
    SqlValue value(FieldPath path) {
        List<String> segments = path.segments();
        for (String s : segments) {
            if (s.indexOf('\0') >= 0 || (ODD_INDEX.matcher(s).matches() && !INDEX.matcher(s).matches())) {
                return null;
            }
        }
        String key = String.join("\u0000", segments);
        SqlValue known = values.get(key);
        if (known != null) {
            return known;
        }
        String value;
        String text = null;
        String pathUnsure = "false";
        String textUnsure;
        String head = segments.get(0);
        String own = head("r", head);
        if (segments.size() == 1) {
            value = own;
            text = own.equals(attribute("r", head)) ? attributeText("r", head) : null;
            textUnsure = isTime(head) ? "true" : "false";
        } else {
            List<String> rest = segments.subList(1, segments.size());
            String walked = walk(own, rest);
            String walkUnsure = deeperRelation(own, rest);
            String type = types.typeOf(head);
            if (type == null) {
                value = walked;
                pathUnsure = walkUnsure;
                textUnsure = "false";
            } else {
                String j = relation(head, type);
                String related = head(j, rest.get(0));
                String relatedValue = rest.size() == 1 ? related : walk(related, rest.subList(1, rest.size()));
                String relatedUnsure = rest.size() == 1 ? "false"
                        : "(" + nestedRelation(related, head(j, rest.get(0) + "_id")) + " or " + deeperRelation(related, rest.subList(1, rest.size())) + ")";
                String absent = missing(own);
                value = "case when " + absent + " then " + relatedValue + " else " + walked + " end";
                pathUnsure = "case when " + absent + " then " + or(idUnsure(head("r", head + "_id")), relatedUnsure) + " else " + walkUnsure + " end";
                textUnsure = rest.size() == 1 && isTime(rest.get(0)) ? absent : "false";
            }
        }
        String alias = "c" + (values.size() + 1);
        String classified = text == null ? SqlValue.classify(value, pathUnsure, textUnsure) : SqlValue.classify(value, text, pathUnsure, textUnsure);
        laterals.append("\n  cross join lateral ").append(classified.replace("\n", "\n    "))
                .append(" ").append(alias);
        SqlValue sqlValue = new SqlValue(alias, !pathUnsure.equals("false"), !textUnsure.equals("false"));
        values.put(key, sqlValue);
        return sqlValue;
    }

    /** An element of a JSON array, classified inside {@code exists (select … from jsonb_array_elements(…))}. */
    static String elementLateral(SqlValue array, String alias) {
        return "jsonb_array_elements(case when " + array.col("t") + " = 'array' then " + array.col("v") + " else '[]'::jsonb end) as "
                + alias + "_e(value) cross join lateral " + SqlValue.classify(alias + "_e.value", "false", "false") + " " + alias;
    }

    private String relation(String head, String type) {
        return relationAliases.computeIfAbsent(head, h -> {
            String alias = "j" + (relationAliases.size() + 1);
            relationJoins.append("\n  left join crm_records ").append(alias).append(" on ").append(alias).append(".type = ")
                    .append(parameters.add(type)).append("::text and ").append(alias).append(".id = ")
                    .append(idText(head("r", h + "_id")));
            return alias;
        });
    }

    /** The value of a top-level field of the record {@code a} as CrmRecord.toJson writes it. */
    static String head(String a, String field) {
        return switch (field) {
            // toJson writes id and type before the attributes, so an attribute of that name wins
            case "id", "type" -> "case when " + a + ".attributes ? " + literal(field) + " then " + a + ".attributes -> " + literal(field)
                    + " else to_jsonb(" + a + "." + field + ") end";
            case "tags", "assigned_to", "version", "created_at", "updated_at" -> "to_jsonb(" + a + "." + field + ")";
            case "external_ids" -> "nullif(" + a + ".external_ids, '{}'::jsonb)"; // CrmRecord.toJson leaves an empty one out
            default -> attribute(a, field);
        };
    }

    private static String attribute(String a, String field) {
        return a + ".attributes -> " + literal(field);
    }

    /** An attribute's JSON text, as {@code (attribute) #>> '{}'} reads it, in one step. */
    private static String attributeText(String a, String field) {
        return a + ".attributes ->> " + literal(field);
    }

    /** The stored times: Java reads them as OffsetDateTime.toString(), SQL as to_jsonb; the instants agree, the text does not. */
    static boolean isTime(String field) {
        return field.equals("created_at") || field.equals("updated_at");
    }

    private static String walk(String base, List<String> segments) {
        return "(" + base + ") #> " + textArray(segments);
    }

    /** Java resolves a relation where an object lacks a segment but holds {@code <segment>_id}; SQL does not follow it. */
    private static String deeperRelation(String base, List<String> segments) {
        StringBuilder any = new StringBuilder();
        for (int i = 0; i < segments.size() - 1; i++) {
            String parent = i == 0 ? base : walk(base, segments.subList(0, i));
            String s = segments.get(i);
            any.append(any.isEmpty() ? "" : " or ").append("coalesce(jsonb_typeof(").append(parent).append(") = 'object' and ")
                    .append(missing("(" + parent + ") -> " + literal(s))).append(" and not ")
                    .append(missing("(" + parent + ") -> " + literal(s + "_id"))).append(", false)");
        }
        return any.isEmpty() ? "false" : "(" + any + ")";
    }

    private static String nestedRelation(String value, String id) {
        return "(" + missing(value) + " and not " + missing(id) + ")";
    }

    private static String missing(String jsonb) {
        return "coalesce(jsonb_typeof(" + jsonb + "), 'null') = 'null'";
    }

    /** The id as RecordRelations writes it ({@code id.toString()}): strings, booleans and integers agree. */
    private static String idText(String id) {
        return "(case when jsonb_typeof(" + id + ") in ('string', 'boolean') or (jsonb_typeof(" + id + ") = 'number' and (" + id
                + ") #>> '{}' ~ '^-?[0-9]+$') then (" + id + ") #>> '{}' end)";
    }

    private static String idUnsure(String id) {
        return "coalesce(jsonb_typeof(" + id + ") in ('array', 'object') or (jsonb_typeof(" + id + ") = 'number' and (" + id
                + ") #>> '{}' !~ '^-?[0-9]+$'), false)";
    }

    private static String or(String a, String b) {
        return b.equals("false") ? a : "(" + a + " or " + b + ")";
    }

    private static String textArray(List<String> segments) {
        StringBuilder sql = new StringBuilder("array[");
        for (int i = 0; i < segments.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append(literal(segments.get(i)));
        }
        return sql.append("]::text[]").toString();
    }

    /** A field name as an SQL literal (standard_conforming_strings, so only quotes are doubled). */
    static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }
}
