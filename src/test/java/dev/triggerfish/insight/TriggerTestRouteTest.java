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
import static dev.triggerfish.JsonFixtures.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Testing a trigger, stored or draft: the condition trace and the actions as they would be sent, and no side effect at all. */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class TriggerTestRouteTest extends EndToEnd {

    @Test
    void aStoredTriggerIsTestedOnASampleAndOnAStoredRecordWithoutStoringOrSendingAnything() {
        String type = "Lead" + uid();
        String path = "/tested/" + uid();
        record(type.toLowerCase() + "s", "id", "r1", "first_name", "Grace", "source", "website_form");
        int trigger = trigger(definition(type, path));
        String before = footprint(type, trigger);

        JsonPath sample = api().body(Map.of("record", Map.of("first_name", "Ada", "source", "website_form")))
                .post("/api/event-triggers/" + trigger + "/test").then().statusCode(200).extract().jsonPath();
        assertTrue(sample.getBoolean("fires"), sample.prettify());
        assertEquals(List.of(true), sample.getList("conditions.result"));
        assertEquals("POST", sample.getString("actions[0].rendered.request.method"));
        assertEquals(sink.url(path), sample.getString("actions[0].rendered.request.url"));
        assertEquals("***", sample.getString("actions[0].rendered.request.headers.X-Token"), "a secret is never shown");
        assertEquals(Map.of("hello", "Ada"), read(sample.getString("actions[0].rendered.request.body")));
        assertEquals("welcomed-Ada", sample.getString("actions[1].rendered.tag"));
        assertEquals(List.of("entity.last_name"), sample.getList("actions[1].missing_values"));

        JsonPath stored = api().body(Map.of("entity_type", type, "entity_id", "r1"))
                .post("/api/event-triggers/" + trigger + "/test").then().statusCode(200).extract().jsonPath();
        assertTrue(stored.getBoolean("fires"));
        assertEquals("welcomed-Grace", stored.getString("actions[1].rendered.tag"));

        JsonPath failing = api().body(Map.of("record", Map.of("first_name", "Bob", "source", "import")))
                .post("/api/event-triggers/" + trigger + "/test").then().statusCode(200).extract().jsonPath();
        assertFalse(failing.getBoolean("fires"));
        assertEquals("import", failing.getString("conditions[0].actual"));

        assertEquals(before, footprint(type, trigger), "testing stored or changed something");
        assertTrue(sink.at(path).isEmpty(), "testing sent a request");
    }

    @Test
    void aDraftIsTestedWithoutBeingSavedAndItsErrorsAreNamedUnderTrigger() {
        String type = "Lead" + uid();
        String path = "/draft/" + uid();
        String name = "draft " + uid();
        String draft = definition(type, path).replace("\"tested\"", "\"" + name + "\"");
        JsonPath tested = api().body("{\"trigger\": " + draft + ", \"record\": {\"first_name\": \"Ada\", \"source\": \"website_form\"}}")
                .post("/api/event-triggers/test").then().statusCode(200).extract().jsonPath();
        assertTrue(tested.getBoolean("fires"));
        assertNull(tested.get("trigger_id"));
        assertEquals("welcomed-Ada", tested.getString("actions[1].rendered.tag"));
        assertEquals(0L, sql("select count(*) as n from event_triggers where name = $1", name).iterator().next().getLong("n"));
        assertEquals(0L, sql("select count(*) as n from events where entity_type = $1", type.toLowerCase()).iterator().next().getLong("n"));
        assertTrue(sink.at(path).isEmpty());

        api().body("{\"trigger\": {\"name\": \"x\", \"trigger_type\": \"model_created\", \"model_type\": \"Lead\","
                        + " \"trigger_conditions\": [{\"field\": \"a\", \"operator\": \"equal\", \"value\": 1}],"
                        + " \"action_configuration\": {\"actions\": [{\"type\": \"add_tag\", \"tag\": \"x\"}]}}, \"record\": {}}")
                .post("/api/event-triggers/test").then().statusCode(422)
                .body("errors[0].path", org.hamcrest.Matchers.equalTo("trigger.trigger_conditions[0].operator"));
    }

    private static String definition(String type, String path) {
        return """
                {"name": "tested", "trigger_type": "model_created", "model_type": "%s",
                 "trigger_conditions": [{"field": "source", "operator": "equals", "value": "website_form"}],
                 "action_configuration": {"actions": [
                   {"type": "webhook", "url": "%s", "headers": {"X-Token": "{{api_token}}"}, "body": {"hello": "{{entity.first_name}}"}},
                   {"type": "add_tag", "tag": "welcomed-{{entity.first_name}}{{entity.last_name}}"}]}}""".formatted(type, sink.url(path));
    }

    /** Every row a run of the trigger would write: events and records of the type, executions and steps of the trigger. */
    private String footprint(String type, int trigger) {
        return sql("""
                select (select count(*) from events where entity_type = $1) || '|'
                    || (select count(*) || md5(coalesce(string_agg(id || ':' || version, ',' order by id), '')) from crm_records where type = $1)
                    || '|' || (select count(*) from trigger_executions where trigger_id = $2)
                    || '|' || (select count(*) from execution_steps s join trigger_executions e on e.id = s.execution_id where e.trigger_id = $2)
                    || '|' || (select count(*) from audit_log where entity_type = 'trigger' and entity_id = $2::text) as footprint""",
                type.toLowerCase(), (long) trigger).iterator().next().getString("footprint");
    }
}
