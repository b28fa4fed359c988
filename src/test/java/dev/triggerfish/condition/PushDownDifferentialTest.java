package dev.triggerfish.condition;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.triggerfish.PostgresResource;
import dev.triggerfish.crm.CrmRecord;
import dev.triggerfish.crm.RecordRelations;
import dev.triggerfish.crm.RecordStore;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The SQL push-down and the in-memory evaluator select exactly the same stored records, for
 * generated records (numbers, numeric strings, text, booleans, nulls, missing keys, arrays, objects,
 * ISO dates in many forms, relations present and absent) and generated conditions (every operator,
 * nested AND/OR groups, relation paths, relative dates). Records are read back through the record
 * store and relations prefetched by RecordRelations, as a time-based trigger would see them.
 * Reproduce a run with {@code -Dpushdown.seed=<the printed seed>}.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class PushDownDifferentialTest {
    static final Instant AS_OF = Instant.parse("2026-03-10T12:00:00Z");
    static final RelationTypes TYPES = RecordRelations.TYPES;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CONDITIONS = Integer.getInteger("pushdown.conditions", 700);

    @Inject
    Pool pool;
    @Inject
    RecordStore store;
    @Inject
    RecordRelations relations;

    @Test
    void sqlAndTheEvaluatorSelectTheSameRecords() throws Exception {
        long seed = Long.getLong("pushdown.seed", System.nanoTime());
        System.out.println("PushDownDifferentialTest seed " + seed + " (rerun: -Dpushdown.seed=" + seed + ")");
        Generator g = new Generator(new Random(seed), "7" + (100_000 + Math.floorMod(seed, 900_000)));
        List<Map<String, Object>> records = store(g);
        RelationResolver resolver = relations.prefetch(records, Set.of("company", "meta", "missing")).await().indefinitely();

        long pairs = 0;
        long decidedBySql = 0;
        long matches = 0;
        int tried = 0;
        while (tried < CONDITIONS) {
            List<Object> written = g.conditions();
            CompiledCondition condition;
            try {
                condition = CompiledCondition.compile(written, "trigger_conditions");
            } catch (InvalidConditions e) {
                continue;
            }
            tried++;
            Set<String> inMemory = new TreeSet<>();
            for (Map<String, Object> record : records) {
                if (condition.matches(record, null, resolver, AS_OF.toEpochMilli())) {
                    inMemory.add(key(record));
                }
            }
            Selection sql = select(condition, g.prefix, null, records, resolver);
            pairs += records.size();
            matches += inMemory.size();
            decidedBySql += records.size() - sql.rechecked;
            if (!sql.matched.equals(inMemory)) {
                fail(disagreement(seed, written, condition, sql.matched, inMemory, records, resolver, g.prefix));
            }
        }
        System.out.printf("PushDownDifferentialTest: %d conditions x %d records = %d pairs, %d matches, %d decided by SQL alone%n",
                tried, records.size(), pairs, matches, decidedBySql);
        // the push-down does real work: most answers come from SQL, not from the in-memory recheck
        assertTrue(decidedBySql > pairs * 3 / 4, decidedBySql + " of " + pairs + " decided by SQL");
        // and the conditions are not all trivially false
        assertTrue(matches > pairs / 50, matches + " matches in " + pairs + " pairs");
    }

    record Selection(Set<String> matched, int rechecked, String sql) {
    }

    /** The records SQL selects (rechecking in memory the rows it cannot decide), optionally only {@code onlyKey}. */
    private Selection select(CompiledCondition condition, String prefix, String onlyKey, List<Map<String, Object>> records,
                             RelationResolver resolver) {
        SqlPredicate p = ConditionSql.compile(condition, AS_OF, TYPES);
        List<Object> parameters = new ArrayList<>(p.parameters());
        String sql = p.select("r.type, r.id") + "\n  and r.id like $" + p.nextParameter();
        parameters.add(prefix + "%");
        if (onlyKey != null) {
            sql += " and r.type || '/' || r.id = $" + (p.nextParameter() + 1);
            parameters.add(onlyKey);
        }
        Map<String, Map<String, Object>> byKey = new HashMap<>();
        records.forEach(r -> byKey.put(key(r), r));
        Set<String> matched = new TreeSet<>();
        int rechecked = 0;
        try {
            for (Row row : pool.preparedQuery(sql).execute(Tuple.from(parameters)).await().indefinitely()) {
                String key = row.getString("type") + "/" + row.getString("id");
                if (Boolean.TRUE.equals(row.getBoolean("recheck"))) {
                    rechecked++;
                    if (condition.matches(byKey.get(key), null, resolver, AS_OF.toEpochMilli())) {
                        matched.add(key);
                    }
                } else {
                    matched.add(key);
                }
            }
        } catch (RuntimeException e) {
            throw new AssertionError("the push-down's SQL failed: " + e.getMessage() + "\n" + sql + "\n" + p.parameters(), e);
        }
        return new Selection(matched, rechecked, sql + "\n-- parameters " + parameters);
    }

    /** The first record the two disagree on, and the smallest comparison of the condition that disagrees on it. */
    private String disagreement(long seed, List<Object> written, CompiledCondition condition, Set<String> sql, Set<String> memory,
                                List<Map<String, Object>> records, RelationResolver resolver, String prefix) throws Exception {
        Set<String> differing = new TreeSet<>(sql);
        differing.addAll(memory);
        Set<String> both = new TreeSet<>(sql);
        both.retainAll(memory);
        differing.removeAll(both);
        String key = differing.iterator().next();
        Map<String, Object> record = records.stream().filter(r -> key(r).equals(key)).findFirst().orElseThrow();
        StringBuilder report = new StringBuilder("seed ").append(seed).append(": SQL and the evaluator disagree on ").append(key)
                .append("\nconditions: ").append(JSON.writeValueAsString(written))
                .append("\nrecord: ").append(JSON.writeValueAsString(record))
                .append("\nSQL selects it: ").append(sql.contains(key)).append(", the evaluator: ").append(memory.contains(key));
        for (ConditionNode.Comparison leaf : leaves(condition.ast(), new ArrayList<>())) {
            CompiledCondition alone = CompiledCondition.compile(leaf);
            boolean inMemory = alone.matches(record, null, resolver, AS_OF.toEpochMilli());
            Selection bySql = select(alone, prefix, key, records, resolver);
            if (bySql.matched.contains(key) != inMemory) {
                Object actual = FieldPath.of(leaf.field()).read(record, resolver);
                return report.append("\nsmallest disagreement: ").append(leaf.field()).append(' ').append(leaf.operator().wireName())
                        .append(' ').append(JSON.writeValueAsString(leaf.value())).append(" on value ")
                        .append(JSON.writeValueAsString(actual)).append(" (").append(actual == null ? "null" : actual.getClass().getSimpleName())
                        .append("): SQL ").append(!inMemory).append(", evaluator ").append(inMemory)
                        .append("\n").append(bySql.sql).toString();
            }
        }
        return report.append("\n(no single comparison disagrees alone)\n").append(select(condition, prefix, key, records, resolver).sql).toString();
    }

    private static List<ConditionNode.Comparison> leaves(ConditionNode node, List<ConditionNode.Comparison> out) {
        if (node instanceof ConditionNode.All all) {
            all.children().forEach(c -> leaves(c, out));
        } else if (node instanceof ConditionNode.Any any) {
            any.children().forEach(c -> leaves(c, out));
        } else {
            out.add((ConditionNode.Comparison) node);
        }
        return out;
    }

    private static String key(Map<String, Object> record) {
        return record.get("type") + "/" + record.get("id");
    }

    /** Inserts the generated records and reads them back as the record store gives them. */
    private List<Map<String, Object>> store(Generator g) {
        pool.preparedQuery("delete from crm_records where id like $1").execute(Tuple.of(g.prefix + "%")).await().indefinitely();
        List<Tuple> rows = g.records();
        pool.preparedQuery("insert into crm_records (type, id, attributes, tags, assigned_to, created_at, updated_at)"
                        + " values ($1, $2, $3::text::jsonb, $4, $5, $6, $7)")
                .executeBatch(rows).await().indefinitely();
        List<String> types = rows.stream().map(t -> t.getString(0)).toList();
        List<String> ids = rows.stream().map(t -> t.getString(1)).toList();
        List<Map<String, Object>> records = new ArrayList<>();
        for (CrmRecord r : store.findAll(types, ids).await().indefinitely()) {
            records.add(r.toJson());
        }
        return records;
    }

    /** Records and conditions from one seed, in the mixed types conditions meet in practice. */
    static final class Generator {
        private static final String[] NUMBERS = {"0", "-0", "-0.0", "0.0", "5", "5.0", "1.50", "1e2", "-3", "75", "80", "81", "75.5",
            "100000", "1e20", "12345678901234567890", "0.1", "1e-400", "1e400"};
        private static final String[] TEXTS = {"\"won\"", "\"lost\"", "\"closed\"", "\"negotiation\"", "\"proposal\"", "\"Won\"", "\"\"",
            "\"   \"", "\"\\t\"", "\"\\u00a0\"", "\"\\u2003\"", "\"abc\"", "\"a'b\"", "\"ünïcödé\"", "\"😀\"", "\"\\ue000x\"", "\"Acme Corp\"",
            "\"technology\"", "\"retail\"", "\"tech\"", "\"w\"", "\"on\"", "\"website\""};
        private static final String[] NUMERIC_TEXTS = {"\"5\"", "\"05\"", "\"5.0\"", "\"-0\"", "\"+3\"", "\".5\"", "\"5.\"", "\"1e2\"",
            "\"0x1p3\"", "\"1e0400\"", "\"1.2.3\"", "\"80\"", "\"81\"", "\"-\"", "\"75.5\""};
        private static final String[] BOOLEANS = {"true", "false", "\"true\"", "\"false\"", "\"TRUE\""};
        private static final String[] DATES = {"\"2026-03-01\"", "\"2026-03-10\"", "\"2026-03-09T23:59:59Z\"", "\"2026-03-10T11:00:00Z\"",
            "\"2026-03-03T12:00:00.123456Z\"", "\"2026-03-05 10:00:00\"", "\"2026-03-04T10:00Z\"", "\"2026-03-04T10:00:00+02:00\"",
            "\"2026-02-30\"", "\"2026-03-01T10:00:00.1234567Z\"", "\"0000-01-01\"", "\"2024-02-29\"", "\"2025-02-29\"",
            "\"2026-03-10t10:00:00Z\"", "\"2026-03-10T25:00:00Z\"", "\"2026-03-08T12:00:00-05:00\"", "\"2026-03-05T12:00:00.000Z\"",
            "\"2026-03-13\"", "\"2026-03-10T12:00:00Z\""};
        private static final String[] RELATIVE = {"\"7 days ago\"", "\"5 days ago\"", "\"today\"", "\"yesterday\"", "\"tomorrow\"",
            "\"2 hours ago\"", "\"in 3 days\"", "\"now\"", "\"1 month ago\"", "\"1 week from now\""};
        private static final String[] LISTS = {"[]", "[\"won\", 5]", "[\"vip\"]", "[[\"won\"]]", "[null]", "[1, \"2\", true]",
            "[\"2026-03-01\"]", "[{\"a\": 1}]", "[\"negotiation\", \"proposal\"]", "[\"abc\", \"😀\"]"};
        private static final String[] OBJECTS = {"{}", "{\"name\": \"x\", \"level\": 3}", "{\"level\": \"3\", \"name\": \"won\"}",
            "{\"name\": null, \"parent_id\": \"1\"}", "{\"level\": [1, 2]}"};
        private static final String[] REGEXES = {"^w", "on$", "[0-9]+", "^$", "(?i)WON", "tech|retail"};
        private static final String[] FIELDS = {"stage", "amount", "score", "name", "when", "flag", "items", "items.0", "items.1",
            "meta", "meta.level", "meta.name", "meta.parent.name", "company", "company.name", "company.industry", "company.score",
            "company.when", "company.updated_at", "company.tags", "company.id", "company.company.name", "tags", "tags.0",
            "assigned_to", "id", "type", "created_at", "updated_at", "entity.stage", "missing", "missing.x", "version"};
        private static final String[] KEYS = {"stage", "amount", "score", "name", "when", "flag", "items", "meta"};

        private final Random random;
        final String prefix;
        private final List<String> companyIds = new ArrayList<>();

        Generator(Random random, String prefix) {
            this.random = random;
            this.prefix = prefix;
        }

        List<Tuple> records() {
            List<Tuple> rows = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                companyIds.add(prefix + "1" + String.format("%02d", i));
            }
            for (String id : companyIds) {
                rows.add(record("company", id));
            }
            for (int i = 0; i < 110; i++) {
                rows.add(record("deal", prefix + "2" + String.format("%03d", i)));
            }
            for (int i = 0; i < 20; i++) {
                rows.add(record("contact", prefix + "3" + String.format("%03d", i)));
            }
            return rows;
        }

        private Tuple record(String type, String id) {
            Map<String, String> attributes = new LinkedHashMap<>();
            for (String key : KEYS) {
                if (random.nextInt(10) < 7) {
                    attributes.put(key, value(key));
                }
            }
            int relation = random.nextInt(10);
            if (relation < 5) {
                String target = pick(companyIds);
                attributes.put("company_id", random.nextBoolean() ? "\"" + target + "\"" : target);
            } else if (relation == 5) {
                attributes.put("company_id", pick(List.of("\"nonexistent\"", "null", "1.5", "[1]", "\"" + prefix + "199\"")));
            }
            if (random.nextInt(10) == 0) {
                attributes.put("company", pick(List.of("{\"name\": \"Inline\"}", "\"Acme\"", "null", "{}")));
            }
            StringBuilder json = new StringBuilder("{");
            attributes.forEach((k, v) -> json.append(json.length() > 1 ? ", " : "").append('"').append(k).append("\": ").append(v));
            json.append('}');
            List<String> tags = new ArrayList<>();
            for (String tag : List.of("vip", "hot", "cold")) {
                if (random.nextInt(3) == 0) {
                    tags.add(tag);
                }
            }
            String assignee = pick(java.util.Arrays.asList(null, "u1", "u2", "5"));
            return Tuple.of(type, id, json.toString(), tags.toArray(String[]::new)).addString(assignee)
                    .addOffsetDateTime(time()).addOffsetDateTime(time());
        }

        /** A time around AS_OF: some at whole minutes or seconds, most with microseconds. */
        private OffsetDateTime time() {
            long micros = AS_OF.toEpochMilli() * 1000 - (long) (random.nextDouble() * 40L * 86_400_000_000L) + 5L * 86_400_000_000L;
            Instant t = Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
            t = switch (random.nextInt(4)) {
                case 0 -> t.truncatedTo(ChronoUnit.MINUTES);
                case 1 -> t.truncatedTo(ChronoUnit.SECONDS);
                default -> t;
            };
            return OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
        }

        private String value(String key) {
            if (random.nextBoolean()) {
                return switch (key) {
                    case "stage", "name" -> pick(TEXTS);
                    case "amount", "score" -> random.nextBoolean() ? pick(NUMBERS) : pick(NUMERIC_TEXTS);
                    case "when" -> pick(DATES);
                    case "flag" -> pick(BOOLEANS);
                    case "items" -> pick(LISTS);
                    default -> pick(OBJECTS);
                };
            }
            return anyValue();
        }

        private String anyValue() {
            return pick(List.of(NUMBERS, TEXTS, NUMERIC_TEXTS, BOOLEANS, DATES, LISTS, OBJECTS, new String[] {"null"}).get(random.nextInt(8)));
        }

        private String scalar() {
            return pick(List.of(NUMBERS, TEXTS, NUMERIC_TEXTS, BOOLEANS, DATES, RELATIVE, RELATIVE, new String[] {"null"}).get(random.nextInt(8)));
        }

        /** A condition list as the API receives it: leaves, groups and AND/OR items. */
        List<Object> conditions() {
            return list(1);
        }

        private List<Object> list(int depth) {
            List<Object> items = new ArrayList<>();
            int n = 1 + random.nextInt(depth == 1 ? 4 : 3);
            for (int i = 0; i < n; i++) {
                if (i > 0 && random.nextInt(3) == 0) {
                    items.add(Map.of("logic", random.nextBoolean() ? "OR" : "AND"));
                }
                items.add(depth < 3 && random.nextInt(5) == 0 ? Map.of("group", list(depth + 1)) : leaf());
            }
            return items;
        }

        private Map<String, Object> leaf() {
            Operator operator = Operator.values()[random.nextInt(Operator.values().length)];
            Map<String, Object> leaf = new LinkedHashMap<>();
            leaf.put("field", pick(FIELDS));
            leaf.put("operator", operator.wireName());
            switch (operator.operand()) {
                case NONE -> { }
                case SCALAR -> leaf.put("value", operator == Operator.REGEX ? pick(REGEXES) : parse(scalar()));
                case LIST -> {
                    List<Object> options = new ArrayList<>();
                    for (int i = random.nextInt(4); i > 0; i--) {
                        options.add(parse(scalar()));
                    }
                    leaf.put("value", options);
                }
                case PAIR -> {
                    String[] family = pick(List.of(NUMBERS, NUMERIC_TEXTS, DATES, RELATIVE, TEXTS));
                    leaf.put("value", java.util.Arrays.asList(parse(pick(family)), parse(pick(family))));
                }
            }
            return leaf;
        }

        private static Object parse(String json) {
            try {
                return JSON.readValue(json, Object.class);
            } catch (Exception e) {
                throw new IllegalArgumentException(json, e);
            }
        }

        private <T> T pick(T[] options) {
            return options[random.nextInt(options.length)];
        }

        private <T> T pick(List<T> options) {
            return options.get(random.nextInt(options.size()));
        }
    }

}
