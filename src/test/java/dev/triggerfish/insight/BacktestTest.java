package dev.triggerfish.insight;

import dev.triggerfish.EndToEnd;
import dev.triggerfish.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static dev.triggerfish.Api.api;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A draft replayed over stored events: how many executions it would have created, per day, with samples; and nothing else. */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class BacktestTest extends EndToEnd {

    @Test
    void aDraftCountsTheExecutionsItWouldHaveCreatedWithoutCreatingAnyOrSendingAnything() {
        String type = "Backtested" + uid();
        String path = "/backtest/" + uid();
        String from = OffsetDateTime.now(ZoneOffset.UTC).minusHours(1).toString();
        for (String[] e : new String[][] {{"b1", "website_form"}, {"b2", "import"}, {"b3", "website_form"}}) {
            api().body("{\"event\": \"created\", \"entity_type\": \"" + type + "\", \"entity_id\": \"" + e[0] + "\","
                    + " \"record\": {\"source\": \"" + e[1] + "\"}}").post("/api/events").then().statusCode(202);
        }
        String to = OffsetDateTime.now(ZoneOffset.UTC).plusMinutes(1).toString();
        String draft = """
                {"name": "backtested %s", "trigger_type": "model_created", "model_type": "%s",
                 "trigger_conditions": [{"field": "source", "operator": "equals", "value": "website_form"}],
                 "action_configuration": {"actions": [{"type": "webhook", "url": "%s"}]}}""".formatted(type, type, sink.url(path));

        JsonPath answer = api().body("{\"trigger\": " + draft + ", \"from\": \"" + from + "\", \"to\": \"" + to + "\"}")
                .post("/api/event-triggers/backtest").then().statusCode(200).extract().jsonPath();
        assertEquals(2, answer.getInt("executions"), answer.prettify());
        assertEquals(List.of(OffsetDateTime.now(ZoneOffset.UTC).toLocalDate().toString()), answer.getList("per_day.day"));
        assertEquals(2, answer.getInt("per_day[0].executions"));
        Set<String> sampled = answer.<String>getList("samples.entity_id").stream().collect(Collectors.toSet());
        assertEquals(Set.of("b1", "b3"), sampled);
        assertEquals("website_form", answer.getString("samples[0].record.source"));
        assertTrue(answer.getInt("events_examined") >= 3);

        JsonPath paged = api().body("{\"trigger\": " + draft + ", \"from\": \"" + from + "\", \"to\": \"" + to + "\", \"max_events\": 1}")
                .post("/api/event-triggers/backtest").then().statusCode(200).extract().jsonPath();
        assertEquals(1, paged.getInt("events_examined"));
        assertNotNull(paged.get("next_after_id"), "a full page says where the next one starts");

        assertEquals(0L, count("select count(*) as n from event_triggers where name = $1", "backtested " + type));
        assertEquals(0L, count("select count(*) as n from trigger_executions where entity_type = $1", type.toLowerCase()));
        assertEquals(3L, count("select count(*) as n from events where entity_type = $1", type.toLowerCase()));
        assertTrue(sink.at(path).isEmpty(), "a backtest sent a request");

        api().body("{\"trigger\": " + draft + ", \"from\": \"yesterday\"}").post("/api/event-triggers/backtest")
                .then().statusCode(400).body("errors[0].path", equalTo("from"));
        api().body("{\"trigger\": " + draft.replace("model_created", "manual") + "}").post("/api/event-triggers/backtest")
                .then().statusCode(400).body("errors[0].path", equalTo("trigger.trigger_type"));
    }

    private long count(String sql, Object parameter) {
        return sql(sql, parameter).iterator().next().getLong("n");
    }
}
