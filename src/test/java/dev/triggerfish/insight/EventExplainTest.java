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
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** "Why didn't it fire?": GET /api/events/{id}/explain names, per trigger, the decision dispatch made. */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class EventExplainTest extends EndToEnd {

    @Test
    void everyTriggerOfTheModelIsExplainedWithTheDecisionThatStoppedIt() {
        String type = "Deal" + uid();
        String url = sink.url("/explain/" + uid());
        int fires = trigger(updated(type, "model_updated", "{\"field\": \"stage\", \"operator\": \"equals\", \"value\": \"negotiation\"}", url));
        int inactive = trigger(updated(type, "model_updated", "{\"field\": \"stage\", \"operator\": \"equals\", \"value\": \"negotiation\"}", url)
                .replace("\"trigger_type\"", "\"is_active\": false, \"trigger_type\""));
        int onCreate = trigger(updated(type, "model_created", "{\"field\": \"stage\", \"operator\": \"is_not_empty\"}", url));
        int tooSmall = trigger(updated(type, "model_updated", "{\"field\": \"value\", \"operator\": \"greater_than\", \"value\": 50000}", url));
        int edge = trigger(updated(type, "field_changed", "{\"field\": \"value\", \"operator\": \"greater_than\", \"value\": 10000}", url));
        int otherModel = trigger(updated("Other" + uid(), "model_updated", "{\"field\": \"stage\", \"operator\": \"is_not_empty\"}", url));

        long event = send(type, "crm-" + uid());
        JsonPath explained = explain(event, null);

        assertEquals(List.of(fires), explained.getList("fired", Integer.class));
        assertEquals("fired", outcome(explained, fires).get("outcome"));
        assertEquals("inactive", outcome(explained, inactive).get("outcome"));
        assertEquals("other_kind", outcome(explained, onCreate).get("outcome"));
        Map<String, Object> failed = outcome(explained, tooSmall);
        assertEquals("conditions_failed", failed.get("outcome"));
        assertEquals(Map.of("path", "trigger_conditions[0]", "field", "value", "operator", "greater_than", "expected", 50000,
                "actual", 40000, "result", false), withoutNulls(failed.get("first_failed_condition")));
        assertTrue(failed.get("reason").toString().contains("actual: 40000"), failed.toString());
        assertEquals("already_true_before", outcome(explained, edge).get("outcome"));
        assertNull(outcomeOrNull(explained, otherModel), "a trigger of another model is not listed unless asked for");
        assertEquals("other_model", explain(event, otherModel).getString("triggers[0].outcome"));
        assertTrue(explained.getString("event.deduplicated").contains("crm-"), "the event's own id deduplicates repeats");

        api().get("/api/events/99999999/explain").then().statusCode(404).contentType("application/problem+json");
    }

    /** A manual run's event is stored with its one execution: no other trigger was ever asked about it, and explain says so. */
    @Test
    void anEventTheEngineStoredForOneExecutionIsNotMatchedAgainstOtherTriggers() {
        String type = "Deal" + uid();
        String url = sink.url("/explain-manual/" + uid());
        int manual = trigger("""
                {"name": "by hand", "trigger_type": "manual", "model_type": "%s",
                 "action_configuration": {"actions": [{"type": "webhook", "url": "%s"}]}}""".formatted(type, url));
        int other = trigger(updated(type, "model_updated", "{\"field\": \"stage\", \"operator\": \"is_not_empty\"}", url));
        long event = api().body("{\"entity_type\": \"" + type + "\", \"entity_id\": 7}").post("/api/event-triggers/" + manual + "/execute")
                .then().statusCode(202).extract().jsonPath().getLong("event_id");
        awaitFinished(manual, 1);
        JsonPath asked = explain(event, other);
        assertEquals("not_matched", asked.getString("triggers[0].outcome"), asked.prettify());
        assertTrue(asked.getString("triggers[0].reason").contains("'manual' event"), asked.prettify());
    }

    @Test
    void rateLimitedAndChainTooDeepAreTheDecisionsDispatchRecorded() {
        String type = "Deal" + uid();
        int limited = trigger("""
                {"name": "limited", "trigger_type": "model_updated", "model_type": "%s", "rate_limiting": {"limit": 1, "period": "hour"},
                 "action_configuration": {"actions": [{"type": "add_tag", "tag": "seen"}]}}""".formatted(type));
        long first = send(type, null);
        long second = send(type, null);
        assertEquals("fired", outcome(explain(first, null), limited).get("outcome"));
        Map<String, Object> overLimit = outcome(explain(second, null), limited);
        assertEquals("rate_limited", overLimit.get("outcome"));
        assertTrue(overLimit.get("reason").toString().contains("limit 1"), overLimit.toString());

        long deep = sql("""
                insert into events (kind, entity_type, entity_id, old_state, new_state, source, chain_depth)
                values ('updated', $1, '1', '{"stage": "proposal"}', '{"stage": "negotiation"}', 'capture', 6) returning id""",
                type.toLowerCase()).iterator().next().getLong("id");
        sql("select pg_notify('triggerfish_events', '')");
        org.awaitility.Awaitility.await().atMost(DEADLINE)
                .until(() -> "chain_too_deep".equals(outcome(explain(deep, null), limited).get("outcome")));
        assertTrue(outcome(explain(deep, null), limited).get("reason").toString().contains("chain depth 6"));
    }

    private static String updated(String type, String triggerType, String condition, String url) {
        return """
                {"name": "explained", "trigger_type": "%s", "model_type": "%s", "trigger_conditions": [%s],
                 "action_configuration": {"actions": [{"type": "webhook", "url": "%s"}]}}""".formatted(triggerType, type, condition, url);
    }

    private static long send(String type, String clientId) {
        String id = clientId == null ? "" : "\"event_id\": \"" + clientId + "\", ";
        return api().body("{" + id + "\"event\": \"updated\", \"entity_type\": \"" + type + "\", \"entity_id\": \"1\","
                        + " \"record\": {\"stage\": \"negotiation\", \"value\": 40000}, \"previous\": {\"stage\": \"proposal\", \"value\": 40000}}")
                .post("/api/events").then().statusCode(202).extract().jsonPath().getLong("event_ids[0]");
    }

    private static JsonPath explain(long event, Integer trigger) {
        var request = api();
        if (trigger != null) {
            request = request.queryParam("trigger_id", trigger);
        }
        return request.get("/api/events/" + event + "/explain").then().statusCode(200).extract().jsonPath();
    }

    private static Map<String, Object> outcome(JsonPath explained, int trigger) {
        Map<String, Object> found = outcomeOrNull(explained, trigger);
        assertFalse(found == null, "trigger " + trigger + " is not explained: " + explained.prettify());
        return found;
    }

    private static Map<String, Object> outcomeOrNull(JsonPath explained, int trigger) {
        List<Map<String, Object>> all = explained.getList("triggers");
        return all.stream().filter(t -> ((Number) t.get("trigger_id")).intValue() == trigger).findFirst().orElse(null);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> withoutNulls(Object leaf) {
        Map<String, Object> copy = new java.util.LinkedHashMap<>((Map<String, Object>) leaf);
        copy.values().removeIf(v -> v == null);
        return copy;
    }
}
