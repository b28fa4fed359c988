package dev.triggerfish.condition;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.triggerfish.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The values a text comparison on the JSON text ({@code ->>}) could confuse with a string, which the
 * generated records of {@link PushDownDifferentialTest} do not hold: a string that looks like an array,
 * an array, a nested array, an object, a number longer than 40 digits; and options that look like
 * those. SQL and the evaluator select the same records.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class PushDownTextTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>> MAP = new com.fasterxml.jackson.core.type.TypeReference<>() {
    };
    static final Instant AS_OF = Instant.parse("2026-03-10T12:00:00Z");
    static final String LONG = "1234567890123456789012345678901234567890123456";
    static final List<String> STAGES = List.of("\"won\"", "\"[won]\"", "[\"won\"]", "[[\"won\"]]", "{\"won\": 1}", LONG, "\"" + LONG + "\"",
            "\"[\\\"won\\\"]\"", "{}", "null", "\"{}\"", "\"-x\"", "5");

    @Inject
    Pool pool;

    @Test
    void textComparisonsAgreeWithTheEvaluatorOnLookAlikes() throws Exception {
        pool.query("delete from crm_records where id like 'ptt-%'").execute().await().indefinitely();
        List<Tuple> rows = new ArrayList<>();
        for (int i = 0; i < STAGES.size(); i++) {
            rows.add(Tuple.of("deal", "ptt-" + i, "{\"stage\": " + STAGES.get(i) + "}"));
        }
        rows.add(Tuple.of("deal", "ptt-missing", "{}"));
        pool.preparedQuery("insert into crm_records (type, id, attributes) values ($1, $2, $3::text::jsonb)").executeBatch(rows).await().indefinitely();
        List<Map<String, Object>> records = new ArrayList<>();
        for (Row r : pool.query("select type, id, attributes::text as a from crm_records where id like 'ptt-%'").execute().await().indefinitely()) {
            Map<String, Object> record = new java.util.LinkedHashMap<>();
            record.put("id", r.getString("id"));
            record.put("type", r.getString("type"));
            record.putAll(JSON.readValue(r.getString("a"), MAP));
            records.add(record);
        }
        for (String operator : List.of("in", "not_in")) {
            for (List<String> options : List.of(List.of("won"), List.of("[won]"), List.of("[\"won\"]"), List.of(LONG), List.of("{}"),
                    List.of("-x", "won"), List.of("x", "{\"won\": 1}"))) {
                agree(Map.of("field", "stage", "operator", operator, "value", options), records);
            }
        }
        for (String operator : List.of("equals", "not_equals")) {
            for (String value : List.of("won", "[won]", "[\"won\"]", LONG, "{}", "-x")) {
                agree(Map.of("field", "stage", "operator", operator, "value", value), records);
            }
        }
    }

    private void agree(Map<String, Object> leaf, List<Map<String, Object>> records) {
        String conditions = leaf.toString();
        CompiledCondition condition = CompiledCondition.compile(List.of(leaf), "trigger_conditions");
        Set<String> inMemory = new TreeSet<>();
        for (Map<String, Object> record : records) {
            if (condition.matches(record, null, RelationResolver.NONE, AS_OF.toEpochMilli())) {
                inMemory.add((String) record.get("id"));
            }
        }
        SqlPredicate p = ConditionSql.compile(condition, AS_OF, PushDownDifferentialTest.TYPES);
        List<Object> parameters = new ArrayList<>(p.parameters());
        parameters.add("ptt-%");
        Set<String> bySql = new TreeSet<>();
        for (Row row : pool.preparedQuery(p.select("r.type, r.id") + "\n  and r.id like $" + p.nextParameter()).execute(Tuple.from(parameters))
                .await().indefinitely()) {
            assertEquals(Boolean.FALSE, row.getBoolean("recheck"), conditions + ": decided by SQL");
            bySql.add(row.getString("id"));
        }
        assertEquals(inMemory, bySql, conditions);
    }
}
