package dev.triggerfish.insight;

import dev.triggerfish.EndToEnd;
import dev.triggerfish.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static dev.triggerfish.Api.api;
import static dev.triggerfish.JsonFixtures.read;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** debug_mode: the execution keeps its event's condition trace and each step its rendered action; each step is logged. */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class DebugModeTest extends EndToEnd {

    @Test
    void aDebugTriggersExecutionKeepsTheConditionTraceAndTheRenderedActionsWithSecretsRedacted() throws Exception {
        String type = "Debugged" + uid();
        String path = "/debug/" + uid();
        int debugged = trigger(definition(type, path, true));
        int plain = trigger(definition(type, path, false));
        record(type, "id", "d1", "first_name", "Ada", "score", 9);

        JsonPath execution = awaitFinished(debugged, 1);
        assertEquals("completed", execution.getString("status"));
        assertEquals(Boolean.TRUE, execution.get("debug.conditions_hold"), execution.prettify());
        assertEquals(9, execution.getInt("debug.conditions[0].actual"));
        assertEquals("greater_than", execution.getString("debug.conditions[0].operator"));
        assertEquals(sink.url(path), execution.getString("steps[0].output.rendered.request.url"));
        assertEquals("***", execution.getString("steps[0].output.rendered.request.headers.X-Token"));
        assertEquals(Map.of("hello", "Ada"), read(execution.getString("steps[0].output.rendered.request.body")));
        assertEquals("scored-Ada", execution.getString("steps[1].output.rendered.tag"));
        assertFalse(execution.prettify().contains("test-api-token-123"), "a secret in the trace");

        JsonPath other = awaitFinished(plain, 1);
        assertNull(other.get("debug"));
        assertNull(other.get("steps[0].output.rendered"));

        long id = execution.getLong("id");
        Path log = Path.of("target/triggerfish-test.log");
        String line = "execution " + id + " (trigger " + debugged + ") step 1 (add_tag): completed";
        await().atMost(DEADLINE).until(() -> Files.readString(log).contains(line));
        assertTrue(Files.readString(log).contains("execution " + id + " (trigger " + debugged + ") step 0 (webhook): completed"));
        assertFalse(Files.readString(log).contains("(trigger " + plain + ") step 0"), "a trigger without debug_mode logs no step");
    }

    private static String definition(String type, String path, boolean debug) {
        return """
                {"name": "debugged", "trigger_type": "model_created", "model_type": "%s", "debug_mode": %s,
                 "trigger_conditions": [{"field": "score", "operator": "greater_than", "value": 5}],
                 "action_configuration": {"actions": [
                   {"type": "webhook", "url": "%s", "headers": {"X-Token": "{{api_token}}"}, "body": {"hello": "{{entity.first_name}}"}},
                   {"type": "add_tag", "tag": "scored-{{entity.first_name}}"}]}}""".formatted(type, debug, sink.url(path));
    }
}
