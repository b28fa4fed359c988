package dev.triggerfish.condition;

/**
 * One value read from a record, classified in SQL the way {@link Values} classifies it in Java, as
 * the columns of a lateral subquery: {@code t} (its JSON type), {@code s} (its JSON text: a string's
 * characters, a number's digits, a container's JSON), {@code num} (a number, or a string that {@code toNumber} reads),
 * {@code bool}, {@code inst} (epoch milliseconds of an ISO date string), {@code str} (a JSON string),
 * {@code txt} ({@code toText}), {@code blank} ({@code isEmpty}). Where SQL cannot be sure to read a value
 * exactly as Java does, a {@code *_u} column says so and the comparison answers null (unknown):
 * hexadecimal or out-of-range numbers, dates in forms other than the strict ISO ones below,
 * the text of non-integer numbers, the text of stored times ({@code path_u}/{@code text_u} come from the path).
 */
final class SqlValue {
    /** Decimal numbers that both Double.parseDouble and PostgreSQL's numeric read, exponent bounded. */
    static final String DECIMAL = "^[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]{1,3})?$";
    /** Strings Java may read as a number that SQL does not try: hexadecimal floats, long exponents. */
    static final String ODD_NUMBER = "^[+-]?(0[xX][0-9a-fA-F.]*[pP][+-]?[0-9]+|([0-9]+\\.?[0-9]*|\\.[0-9]+)[eE][+-]?[0-9]{4,})$";
    /** Every string Values.toInstant might read as a date starts like this. */
    static final String DATE_LIKE = "^[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt ].*)?$";
    private static final String YMD = "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])";
    static final String DATE_ONLY = YMD + "$";
    /** Date-times read alike by java.time and PostgreSQL: microseconds at most, offsets within ±15:59. */
    static final String DATE_TIME = YMD + "[T ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\\.[0-9]{1,6})?)?(Z|[+-](0[0-9]|1[0-5]):[0-5][0-9])?$";
    /** Character.isWhitespace, as String.isBlank applies it. */
    static final String BLANK = "^[\\t\\n\\u000B\\f\\r\\u001C-\\u001F \\u1680\\u2000-\\u2006\\u2008-\\u200A\\u2028\\u2029\\u205F\\u3000]*$";
    /** Characters where UTF-16 order (String.compareTo) and code point order (COLLATE "C") may differ. */
    static final String HIGH_CHARACTERS = "[\\uE000-\\U0010FFFF]";

    private static final String DAYS_IN_MONTH = """
            case when substr(b.s, 6, 2)::int in (4, 6, 9, 11) then 30
                 when substr(b.s, 6, 2)::int <> 2 then 31
                 when (substr(b.s, 1, 4)::int % 4 = 0 and substr(b.s, 1, 4)::int % 100 <> 0) or substr(b.s, 1, 4)::int % 400 = 0 then 29
                 else 28 end""";

    private static final String CLASSIFY = """
            (select k.v, k.t, k.s, k.path_u,
                    case when k.n = 0 or abs(k.n) between 1e-300 and 1e300 then k.n::float8 end as num,
                    coalesce(k.n is not null and not (k.n = 0 or abs(k.n) between 1e-300 and 1e300), false) or k.odd_number as num_u,
                    coalesce(k.n = 0 and k.s like '-%%' and (k.t = 'string' or k.s ~ '[.eE]'), false) as negz,
                    case when k.t = 'boolean' then k.v::boolean when k.t = 'string' and k.s in ('true', 'false') then k.s = 'true' end as bool,
                    case when k.date_valid then (case when length(k.s) = 10 then (k.s::date - date '1970-01-01')::bigint * 86400000
                                                      when k.s ~ '(Z|[+-][0-9]{2}:[0-9]{2})$' then floor(extract(epoch from k.s::timestamptz) * 1000)::bigint
                                                      else floor(extract(epoch from k.s::timestamp) * 1000)::bigint end) end as inst,
                    k.date_like and not k.date_valid as inst_u,
                    case when k.t = 'string' then k.s end as str,
                    k.text_u as str_u,
                    case when k.t in ('string', 'boolean') or (k.t = 'number' and k.s ~ '^-?[0-9]+$') then k.s end as txt,
                    k.text_u or coalesce(k.t = 'number' and k.s !~ '^-?[0-9]+$', false) as txt_u,
                    case when k.t is null or k.t = 'null' then true
                         when k.t = 'string' then k.s ~ '%5$s'
                         when k.t = 'array' then k.v = '[]'::jsonb
                         when k.t = 'object' then k.v = '{}'::jsonb
                         else false end as blank
             from (select b.*,
                          case when b.t = 'number' then b.v::numeric
                               when b.t = 'string' and length(b.s) <= 40 and b.s ~ '%6$s' then b.s::numeric end as n,
                          coalesce(b.t = 'string' and length(b.s) <= 40 and b.s ~ '%7$s', false) as odd_number,
                          coalesce(b.t = 'string' and b.s ~ '%8$s', false) as date_like,
                          case when b.t = 'string' and (b.s ~ '%9$s' or b.s ~ '%10$s') and left(b.s, 4) <> '0000'
                               then substr(b.s, 9, 2)::int <= %4$s else false end as date_valid
                   from (select %1$s as v, jsonb_typeof(%1$s) as t, %11$s as s, %2$s as path_u, %3$s as text_u) b) k)""";

    final String alias;
    final boolean pathMayBeUnsure;
    final boolean textMayBeUnsure;

    SqlValue(String alias, boolean pathMayBeUnsure, boolean textMayBeUnsure) {
        this.alias = alias;
        this.pathMayBeUnsure = pathMayBeUnsure;
        this.textMayBeUnsure = textMayBeUnsure;
    }

    /** The lateral subquery classifying the jsonb expression {@code value}. */
    static String classify(String value, String pathUnsure, String textUnsure) {
        return classify(value, "(" + value + ") #>> '{}'", pathUnsure, textUnsure);
    }

    /** The same, with {@code text} computing {@code (value) #>> '{}'} more cheaply (one {@code ->>} instead of {@code ->} and {@code #>>}). */
    static String classify(String value, String text, String pathUnsure, String textUnsure) {
        return CLASSIFY.formatted(value, pathUnsure, textUnsure, DAYS_IN_MONTH.replace("\n", "\n" + " ".repeat(36)),
                BLANK, DECIMAL, ODD_NUMBER, DATE_LIKE, DATE_ONLY, DATE_TIME, text);
    }

    /** A column of the classification, e.g. {@code c1.num}. */
    String col(String name) {
        return alias + "." + name;
    }

    /** The value is missing or JSON null: what Java reads as null. */
    String isNull() {
        return "coalesce(" + col("t") + ", 'null') = 'null'";
    }
}
