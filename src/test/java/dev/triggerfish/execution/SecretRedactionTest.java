package dev.triggerfish.execution;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.triggerfish.PostgresResource;
import dev.triggerfish.WebhookSink;
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

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static dev.triggerfish.Api.api;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Secrets set in the test profile ({@code api_token}, {@code slack_token}, and {@code tricky_token},
 * which every escaping changes) are templated into every kind of action; afterwards no row of
 * trigger_executions or execution_steps, no event an action created, and no answer of the API holds
 * any of them, in any spelling.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class SecretRedactionTest extends WithWebhookSink {
    static final Duration DEADLINE = Duration.ofSeconds(20);
    /** Parts of each secret that no escaping changes: none may be left anywhere. */
    static final List<String> MARKERS = List.of("tr1cky", "test-api-token-123", "test-slack-token-456");
    static final String TRICKY = "Tr1cky \"Secret\"/&<x>\r\nX-Evil: 1 \u00e9nd";

    @Inject
    Pool pool;

    @Inject
    TriggerCatalog catalog;


    int trigger(String type, String actions) {
        int id = api().body("""
                        {"name": "secrets", "trigger_type": "manual", "model_type": "%s", "allow_retries": false,
                         "action_configuration": {"actions": %s}}""".formatted(type, actions))
                .post("/api/event-triggers").then().statusCode(201).extract().path("id");
        triggers.add(id);
        return id;
    }

    long run(int trigger, String type, Map<String, Object> record) {
        String id = "s-" + uid();
        Map<String, Object> body = new LinkedHashMap<>(record);
        body.put("id", id);
        api().body(body).post("/api/records/" + type).then().statusCode(201);
        long execution = api().body(Map.of("entity_type", type, "entity_id", id)).post("/api/event-triggers/" + trigger + "/execute")
                .then().statusCode(202).extract().jsonPath().getLong("execution_id");
        await().atMost(DEADLINE).until(() -> !List.of("pending", "running", "retrying", "scheduled")
                .contains(api().get("/api/executions/" + execution).then().extract().path("status")));
        return execution;
    }

    static void assertNoSecret(String where, String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        for (String marker : MARKERS) {
            assertFalse(lower.contains(marker), where + " holds a secret (" + marker + "): " + text);
        }
    }

    String allText(String sql, List<Integer> ids) {
        return pool.preparedQuery(sql).execute(Tuple.of(ids.stream().map(Integer::longValue).toArray(Long[]::new)))
                .await().indefinitely().iterator().next().getString("text");
    }

    @Test
    void noSecretReachesTheLogWhoeverWritesIt() throws Exception {
        String mark = "log-check-" + uid();
        org.jboss.logging.Logger log = org.jboss.logging.Logger.getLogger("some.library");
        log.warnf("%s calling https://%s.example.com with Bearer %s", mark, "test-api-token-123", TRICKY);
        log.error(mark + " a library failed", new IllegalStateException("connection failed: test-slack-token-456.invalid"));
        java.nio.file.Path file = java.nio.file.Path.of("target/triggerfish-test.log");
        await().atMost(DEADLINE).until(() -> java.nio.file.Files.exists(file)
                && java.nio.file.Files.readString(file).split(mark, -1).length == 3);
        // every line this run has logged so far, by any test, any class
        String logged = java.nio.file.Files.readString(file).toLowerCase(java.util.Locale.ROOT);
        for (String marker : MARKERS) {
            assertFalse(logged.contains(marker.toLowerCase(java.util.Locale.ROOT)), "the log holds " + marker);
        }
        assertTrue(logged.contains("https://***.example.com"), "the line itself is kept, redacted");
    }

    @Test
    void noSecretIsStoredOrAnsweredWhateverActionTemplatesIt() throws Exception {
        String type = "Secret" + uid();
        String path = "/secret/" + uid();
        sink.answer(path, 400); // the step fails: its error names the URL
        int webhook = trigger(type, """
                [{"type": "webhook", "url": "%s?t={{tricky_token}}&a={{api_token}}",
                  "headers": {"Authorization": "Bearer {{api_token}}", "X-Token": "{{tricky_token}}", "X-Slack": "{slack_token}"},
                  "body": {"token": "{{tricky_token}}", "nested": ["{{api_token}}", {"s": "{slack_token}"}]}}]""".formatted(sink.url(path)));
        // the host itself is a secret: the connection error names it
        int host = trigger(type, "[{\"type\": \"webhook\", \"url\": \"http://{{api_token}}.invalid/hook\", \"timeout_seconds\": 3}]");

        // actions that change records may not use secrets at all: refused when saved ...
        api().body("""
                        {"name": "secrets", "trigger_type": "manual", "model_type": "%s",
                         "action_configuration": {"actions": [{"type": "update_field", "field": "f", "value": "{{api_token}}"}]}}""".formatted(type))
                .post("/api/event-triggers").then().statusCode(422)
                .body("errors[0].path", equalTo("action_configuration.actions[0].value"))
                .body("errors[0].message", containsString("'api_token'"));
        // ... and, stored past that check, they do not see them
        int records = trigger(type, "[{\"type\": \"add_tag\", \"tag\": \"x\"}]");
        pool.preparedQuery("update event_triggers set definition = jsonb_set(definition, '{action_configuration,actions}', $2::text::jsonb) where id = $1")
                .execute(Tuple.of((long) records, """
                        [{"type": "update_field", "field": "token", "value": "{{api_token}}"},
                         {"type": "create_note", "content": "note {{tricky_token}}"},
                         {"type": "add_tag", "tag": "{slack_token}"},
                         {"type": "create_task", "title": "task {{api_token}}"},
                         {"type": "assign_to_user", "user_id": "{{api_token}}"}]""")).await().indefinitely();
        catalog.reload().await().indefinitely();
        // a secret that is in the record's own data reaches execution records redacted too (here, an assign_to_user error)
        int data = trigger(type, """
                [{"type": "update_field", "field": "copied", "value": "{{entity.copy}}"}, {"type": "assign_to_user", "user_id": "{{entity.owner}}"}]""");

        List<Long> executions = new ArrayList<>();
        executions.add(run(webhook, type, Map.of()));
        executions.add(run(host, type, Map.of()));
        executions.add(run(records, type, Map.of("name", "n")));
        executions.add(run(data, type, Map.of("copy", "test-api-token-123", "owner", TRICKY)));

        // the secrets did their work: the target got them
        WebhookSink.Received received = sink.at(path).get(0);
        assertEquals("Bearer test-api-token-123", received.headers().get("authorization"));
        assertEquals(TRICKY, new ObjectMapper().readValue(received.body(), Map.class).get("token"));
        JsonPath hostRun = api().get("/api/executions/" + executions.get(1)).then().extract().jsonPath();
        assertEquals("failed", hostRun.getString("status"));
        JsonPath recordRun = api().get("/api/executions/" + executions.get(2)).then().extract().jsonPath();
        assertEquals(List.of("completed", "completed", "completed", "completed", "failed"), recordRun.getList("steps.status"));
        assertEquals(List.of("{slack_token}"), recordRun.getList("steps[2].output.tags"));
        assertEquals("failed", api().get("/api/executions/" + executions.get(3)).then().extract().path("status"));

        List<Integer> ids = List.of(webhook, host, records, data);
        assertNoSecret("trigger_executions", allText("select coalesce(string_agg(t::text, ' '), '') as text from trigger_executions t where trigger_id = any($1)", ids));
        assertNoSecret("execution_steps", allText("select coalesce(string_agg(s::text, ' '), '') as text from execution_steps s"
                + " join trigger_executions t on t.id = s.execution_id where t.trigger_id = any($1)", ids));
        assertNoSecret("events of actions", allText("select coalesce(string_agg(e::text, ' '), '') as text from events e where origin_trigger_id = any($1)",
                List.of(records)));
        assertNoSecret("records of actions", allText("select coalesce(string_agg(r::text, ' '), '') as text from crm_records r"
                + " where r.attributes->>'execution_id' in (select id::text from trigger_executions where trigger_id = any($1))", List.of(records)));
        for (long execution : executions) {
            assertNoSecret("GET /api/executions/" + execution, api().get("/api/executions/" + execution).then().statusCode(200).extract().asString());
        }
        for (int trigger : ids) {
            assertNoSecret("GET executions of " + trigger, api().get("/api/event-triggers/" + trigger + "/executions").then().statusCode(200).extract().asString());
            assertNoSecret("GET trigger " + trigger, api().get("/api/event-triggers/" + trigger).then().statusCode(200).extract().asString());
        }
    }
}
