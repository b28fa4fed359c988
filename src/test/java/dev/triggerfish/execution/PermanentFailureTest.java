package dev.triggerfish.execution;

import dev.triggerfish.PostgresResource;
import dev.triggerfish.WithWebhookSink;
import dev.triggerfish.trigger.TriggerCatalog;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static dev.triggerfish.Api.api;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Template and configuration errors are permanent: the step and the execution end {@code failed} with
 * the reason at the first attempt, whatever {@code allow_retries} says, instead of being claimed again
 * every lease.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class PermanentFailureTest extends WithWebhookSink {
    static final Duration DEADLINE = Duration.ofSeconds(20);

    @Inject
    Pool pool;

    @Inject
    TriggerCatalog catalog;


    int trigger(String type, boolean allowRetries, String actions) {
        int id = api().body("""
                        {"name": "permanent", "trigger_type": "manual", "model_type": "%s", "allow_retries": %s, "max_retries": 5,
                         "retry_configuration": {"delay_minutes": 0},
                         "action_configuration": {"actions": %s}}""".formatted(type, allowRetries, actions))
                .post("/api/event-triggers").then().statusCode(201).extract().path("id");
        triggers.add(id);
        return id;
    }

    /** Replaces a trigger's actions in SQL, past the checks of the API (a trigger stored before they existed). */
    void storeActions(int trigger, String actions) {
        pool.preparedQuery("""
                        update event_triggers set definition = jsonb_set(definition, '{action_configuration,actions}', $2::text::jsonb),
                               version = version + 1 where id = $1""")
                .execute(Tuple.of((long) trigger, actions)).await().indefinitely();
        catalog.reload().await().indefinitely();
    }

    /** Runs the trigger by hand on a new record and waits until the execution has ended; returns it with its steps. */
    JsonPath runAndAwait(int trigger, String type, Map<String, Object> record) {
        String id = "r-" + uid();
        Map<String, Object> body = new java.util.LinkedHashMap<>(record);
        body.put("id", id);
        api().body(body).post("/api/records/" + type).then().statusCode(201);
        long execution = api().body(Map.of("entity_type", type, "entity_id", id)).post("/api/event-triggers/" + trigger + "/execute")
                .then().statusCode(202).extract().jsonPath().getLong("execution_id");
        await().atMost(DEADLINE).until(() -> !List.of("pending", "running", "retrying", "scheduled")
                .contains(api().get("/api/executions/" + execution).then().extract().path("status")));
        return api().get("/api/executions/" + execution).then().statusCode(200).extract().jsonPath();
    }

    @ParameterizedTest(name = "allow_retries {0}")
    @ValueSource(booleans = {true, false})
    void aStoredTemplateThatDoesNotParseFailsTheExecutionAtOnce(boolean allowRetries) {
        String path = "/poison/" + uid();
        List<String> broken = List.of(
                "[{\"type\": \"webhook\", \"url\": \"%s{{>x}}\"}]".formatted(sink.url(path)),
                "[{\"type\": \"webhook\", \"url\": \"%s\", \"headers\": {\"X-A\": \"{{#a}}\"}}]".formatted(sink.url(path)),
                "[{\"type\": \"webhook\", \"url\": \"%s\", \"body\": {\"f\": \"{{>application.properties}}\"}}]".formatted(sink.url(path)),
                "[{\"type\": \"add_tag\", \"tag\": \"ok\"}, {\"type\": \"create_note\", \"content\": \"{{#a}} never closed\"}]");
        for (String actions : broken) {
            String type = "Poison" + uid();
            int trigger = trigger(type, allowRetries, "[{\"type\": \"add_tag\", \"tag\": \"x\"}]");
            storeActions(trigger, actions);
            JsonPath execution = runAndAwait(trigger, type, Map.of("name", "n"));
            assertEquals("failed", execution.getString("status"), actions + " " + execution.prettify());
            assertEquals(1, execution.getInt("attempt"), actions);
            assertTrue(execution.getString("error").contains("template does not parse"), execution.getString("error"));
            int last = execution.getList("steps").size() - 1;
            assertEquals("failed", execution.getString("steps[" + last + "].status"));
            assertTrue(execution.getString("steps[" + last + "].error").contains("template does not parse"), execution.getString("steps[" + last + "].error"));
            assertTrue(!execution.getString("error").contains("quarkus."), "no file content in the reason");
        }
        assertEquals(0, sink.at(path).size());
    }

    @Test
    void aTemplatePastItsBoundsFailsTheStepWithTheReason() {
        String path = "/unbounded/" + uid();
        String type = "Unbounded" + uid();
        String loops = "{{#entity.list}}{{#entity.list}}{{#entity.list}}{{entity.pad}}{{/entity.list}}{{/entity.list}}{{/entity.list}}";
        int trigger = trigger(type, true, "[{\"type\": \"webhook\", \"url\": \"%s\", \"body\": {\"text\": \"%s\"}}]".formatted(sink.url(path), loops));
        // 60 x 60 x 60 times 20 characters: 4.3 million characters
        JsonPath execution = runAndAwait(trigger, type, Map.of("list", IntStream.range(0, 60).boxed().toList(), "pad", "x".repeat(20)));
        assertEquals("failed", execution.getString("status"));
        assertEquals(1, execution.getInt("attempt"));
        assertTrue(execution.getString("steps[0].error").contains("renders more than 1048576 characters"), execution.getString("steps[0].error"));
        assertEquals(0, sink.at(path).size());
    }

    @Test
    void aTemplateThatDoesNotParseIsRefusedWhenTheTriggerIsSaved() {
        String name = "refused-" + uid();
        api().body("""
                        {"name": "%s", "trigger_type": "manual", "model_type": "Contact",
                         "action_configuration": {"actions": [{"type": "add_tag", "tag": "a"},
                           {"type": "webhook", "url": "https://example.com/{{>application.properties}}"}]}}""".formatted(name))
                .post("/api/event-triggers").then().statusCode(422)
                .body("errors[0].path", equalTo("action_configuration.actions[1].url"))
                .body("errors[0].message", containsString("application.properties"));
        assertEquals(0, pool.preparedQuery("select count(*) as n from event_triggers where name = $1").execute(Tuple.of(name))
                .await().indefinitely().iterator().next().getLong("n"));
    }
}
