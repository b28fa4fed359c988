package dev.triggerfish.insight;

import dev.triggerfish.EndToEnd;
import dev.triggerfish.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.triggerfish.Api.api;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The spec's monitoring queries as routes, over executions that really ran, as the rollup keeps them. */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class AnalyticsTest extends EndToEnd {

    @Test
    void successRatesErrorProneAndSlowTriggersAndExecutionsPerDay() {
        String type = "Analyzed" + uid();
        String broken = "/analytics-broken/" + uid();
        String slowPath = "/analytics-slow/" + uid();
        sink.answer(broken, 404);
        sink.slow(slowPath, 700);
        int fine = trigger(webhook(type, sink.url("/analytics-fine/" + uid()), "model_created"));
        int failing = trigger(webhook(type, sink.url(broken), "model_created"));
        int slow = trigger(webhook(type, sink.url(slowPath), "model_updated"));
        for (int i = 0; i < 12; i++) {
            record(type, "id", "a" + i, "n", i);
        }
        update(type, "a0", "n", 100);
        awaitFinished(fine, 12);
        awaitFinished(failing, 12);
        awaitFinished(slow, 1);

        await().atMost(DEADLINE).until(() -> rate(fine) != null && rate(fine).get("executions").equals(12)
                && rate(failing) != null && rate(failing).get("executions").equals(12) && rate(slow) != null);
        assertEquals(100.0, ((Number) rate(fine).get("success_rate")).doubleValue());
        assertEquals(0.0, ((Number) rate(failing).get("success_rate")).doubleValue());
        assertEquals(12, rate(failing).get("failed"));

        List<Integer> errorProne = analytics("error-prone-triggers").getList("data.trigger_id");
        assertTrue(errorProne.contains(failing), "12 executions, all failed: " + errorProne);
        assertTrue(!errorProne.contains(fine), "none failed");
        assertTrue(!analytics("error-prone-triggers?min_executions=12").getList("data.trigger_id").contains(failing),
                "more than min_executions are needed");

        JsonPath slowOnes = analytics("slow-triggers?threshold_seconds=0.5");
        Map<String, Object> found = slowOnes.<Map<String, Object>>getList("data").stream()
                .filter(t -> ((Number) t.get("trigger_id")).intValue() == slow).findFirst().orElse(null);
        assertNotNull(found, "a 0.7 s webhook is slower than 0.5 s: " + slowOnes.prettify());
        assertTrue(((Number) found.get("average_seconds")).doubleValue() >= 0.7, found.toString());
        assertTrue(((Number) found.get("p95_seconds_at_most")).doubleValue() >= 1.0, found.toString());
        assertTrue(!analytics("slow-triggers").getList("data.trigger_id").contains(slow), "not over the spec's 30 s");

        List<Map<String, Object>> perDay = analytics("executions-per-day?days=1").getList("data");
        assertTrue(perDay.stream().anyMatch(d -> "completed".equals(d.get("status")) && ((Number) d.get("executions")).intValue() >= 13));
        assertTrue(perDay.stream().anyMatch(d -> "failed".equals(d.get("status")) && ((Number) d.get("executions")).intValue() >= 12));

        JsonPath recent = analytics("recent-executions?limit=500");
        Map<String, Object> newest = recent.<Map<String, Object>>getList("data").stream()
                .filter(e -> ((Number) e.get("trigger_id")).intValue() == slow).findFirst().orElseThrow();
        assertEquals("analytics", newest.get("trigger_name"));
        assertEquals(type.toLowerCase(), newest.get("entity_type"));
        assertEquals("a0", newest.get("entity_id"));
        JsonPath page = analytics("recent-executions?limit=2");
        long next = page.getLong("next_before_id");
        assertTrue(analytics("recent-executions?limit=2&before_id=" + next).<Integer>getList("data.id").stream().allMatch(id -> id < next));

        api().get("/api/analytics/recent-executions?days=0").then().statusCode(400).body("errors[0].path", org.hamcrest.Matchers.equalTo("days"));
        api().get("/api/analytics/error-prone-triggers?min_failure_rate=2").then().statusCode(400)
                .body("errors[0].path", org.hamcrest.Matchers.equalTo("min_failure_rate"));
        api().get("/api/analytics/slow-triggers?threshold_seconds=abc").then().statusCode(400)
                .body("errors[0].path", org.hamcrest.Matchers.equalTo("threshold_seconds"));
        assertNull(analytics("success-rates?days=1").get("data.find { it.trigger_id == -1 }"));
    }

    private static String webhook(String type, String url, String kind) {
        return """
                {"name": "analytics", "trigger_type": "%s", "model_type": "%s",
                 "action_configuration": {"actions": [{"type": "webhook", "url": "%s"}]}}""".formatted(kind, type, url);
    }

    private static JsonPath analytics(String route) {
        return api().get("/api/analytics/" + route).then().statusCode(200).extract().jsonPath();
    }

    private static Map<String, Object> rate(int trigger) {
        return analytics("success-rates").<Map<String, Object>>getList("data").stream()
                .filter(t -> ((Number) t.get("trigger_id")).intValue() == trigger).findFirst().orElse(null);
    }
}
