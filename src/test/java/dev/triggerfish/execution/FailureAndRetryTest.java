package dev.triggerfish.execution;

import dev.triggerfish.EndToEnd;
import dev.triggerfish.PostgresResource;
import dev.triggerfish.WebhookSink;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.triggerfish.Api.api;
import static dev.triggerfish.JsonFixtures.createdBatch;
import static dev.triggerfish.JsonFixtures.json;
import static dev.triggerfish.JsonFixtures.object;
import static dev.triggerfish.JsonFixtures.text;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Failed steps: durable retries from the failed step, circuits, timeouts, dead letters, Retry-After and replay. */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class FailureAndRetryTest extends EndToEnd {
    /** Every test its own target (host and port): one test's failures must not open the circuit of another's. */
    @BeforeEach
    void ownTarget() {
        sink.close();
        sink = new WebhookSink();
    }

    @Test
    void aWebhookAnsweringNon2xxFailsTheExecutionAndStopsTheChain() {
        String path = "/fail/" + uid();
        sink.answer(path, 404);
        String type = "Fail" + uid().replace("-", "");
        int trigger = trigger("""
                {"name": "fails", "trigger_type": "model_created", "model_type": "%s", "allow_retries": false,
                 "action_configuration": {"actions": [{"type": "webhook", "url": "%s"}, {"type": "add_tag", "tag": "never"}]}}"""
                .formatted(type, sink.url(path)));
        record(type, "id", "1");
        JsonPath execution = awaitFinished(trigger, 1);
        assertEquals("failed", execution.getString("status"));
        assertEquals(1, execution.getList("steps").size());
        assertEquals(404, execution.getInt("steps[0].output.status"));
        assertTrue(execution.getString("error").contains("HTTP 404"));
        assertFalse(recordOf(type, "1").getList("tags").contains("never"));
    }

    /** A trigger on created {@code type} records with {@code retries} (its retry fields): a tag, the sink's {@code path}, a tag. */
    int webhookTrigger(String type, String path, Map<String, Object> retries) {
        Map<String, Object> body = object("name", "retries", "trigger_type", "model_created", "model_type", type);
        body.putAll(retries);
        body.put("action_configuration", object("actions", List.of(object("type", "add_tag", "tag", "before"),
                object("type", "webhook", "url", sink.url(path)), object("type", "add_tag", "tag", "after"))));
        return trigger(text(body));
    }

    @Test
    void transientFailuresAreRetriedDurablyFromTheFailedStepWithTheSameIdempotencyKey() {
        String type = "Retry" + uid().replace("-", "");
        String path = "/retry/" + type;
        // each attempt calls twice (one quick in-process retry in the test profile): 4 failures, then success
        sink.failFirst(path, 4, 503, null);
        int trigger = webhookTrigger(type, path, object("max_retries", 3, "retry_configuration", object("delay_minutes", 0)));
        record(type, "id", "1");
        JsonPath execution = awaitFinished(trigger, 1);
        assertEquals("completed", execution.getString("status"));
        assertEquals(3, execution.getInt("attempt"));
        List<WebhookSink.Received> calls = sink.at(path);
        assertEquals(5, calls.size());
        assertEquals(1, calls.stream().map(c -> c.headers().get("idempotency-key")).distinct().count(), "one key for every attempt");
        // the completed first step did not run again; the last one ran once
        assertEquals(List.of("before", "after"), recordOf(type, "1").getList("tags"));
        assertEquals(3, execution.getInt("steps[1].attempt"));
    }

    @Test
    void aTargetThatKeepsFailingOpensItsCircuitAndIsNotHammered() {
        try (WebhookSink down = new WebhookSink()) {
            String type = "Down" + uid().replace("-", "");
            down.answer("/down", 503);
            int trigger = trigger("""
                    {"name": "down", "trigger_type": "model_created", "model_type": "%s", "allow_retries": false,
                     "action_configuration": {"actions": [{"type": "webhook", "url": "%s"}]}}""".formatted(type, down.url("/down")));
            for (int i = 0; i < 4; i++) {
                api().body(createdBatch(type, i * 5, i * 5 + 5, false)).post("/api/events").then().statusCode(202);
                int done = (i + 1) * 5;
                awaitFinished(trigger, done);
            }
            List<String> errors = executions(trigger).getList("data.error");
            assertTrue(errors.stream().anyMatch(e -> e.contains("circuit")), errors.toString());
            // 20 executions with a quick retry each would be 40 calls; the open circuit spared most of them
            assertTrue(down.at("/down").size() < 30, down.at("/down").size() + " calls");
        }
    }

    @Test
    void aTargetThatIsDownOrTimesOutIsRetriedThenTheExecutionIsADeadLetter() throws Exception {
        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            closed = socket.getLocalPort(); // nothing listens there once closed
        }
        String slow = "/timeout/" + uid();
        sink.slow(slow, 3_000);
        String type = "Unreachable" + uid().replace("-", "");
        int trigger = trigger("""
                {"name": "unreachable", "trigger_type": "model_created", "model_type": "%s", "max_retries": 1,
                 "retry_configuration": {"delay_minutes": 0},
                 "action_configuration": {"actions": [{"type": "webhook", "url": "%s", "timeout_seconds": 1}]}}"""
                .formatted(type, "http://127.0.0.1:" + closed + "/down"));
        int timingOut = trigger("""
                {"name": "timing out", "trigger_type": "model_created", "model_type": "%s", "max_retries": 1,
                 "retry_configuration": {"delay_minutes": 0},
                 "action_configuration": {"actions": [{"type": "webhook", "url": "%s", "timeout_seconds": 1}]}}"""
                .formatted(type + "Slow", sink.url(slow)));
        record(type, "id", "1");
        record(type + "Slow", "id", "1");

        for (int t : List.of(trigger, timingOut)) {
            JsonPath execution = awaitFinished(t, 1);
            assertEquals("failed", execution.getString("status"));
            assertEquals(2, execution.getInt("attempt"), "retried once, durably, then given up");
            assertTrue(execution.getBoolean("steps[0].output.retryable"), execution.prettify());
            assertEquals(1, api().queryParam("status", "failed").get("/api/event-triggers/" + t + "/executions").then().statusCode(200)
                    .extract().jsonPath().getList("data").size(), "listed as a dead letter");
        }
        String refused = awaitFinished(trigger, 1).getString("steps[0].error");
        assertTrue(refused.toLowerCase().contains("refused"), refused);
        String timeout = awaitFinished(timingOut, 1).getString("steps[0].error");
        assertTrue(timeout.contains("no answer within 1000 ms"), timeout);
        // each attempt reached the slow target (an in-process retry may add a call per attempt)
        assertTrue(sink.at(slow).size() >= 2, sink.at(slow).size() + " calls");
    }

    @Test
    void clientErrorsAreNotRetriedAndFailedExecutionsCanBeReplayed() {
        String type = "Dead" + uid().replace("-", "");
        String path = "/dead/" + type;
        sink.failFirst(path, 2, 404, null);
        int trigger = webhookTrigger(type, path, object("max_retries", 5, "retry_configuration", object("delay_minutes", 0)));
        record(type, "id", "1");
        record(type, "id", "2");
        awaitFinished(trigger, 2);
        assertEquals(List.of("failed", "failed"), executions(trigger).getList("data.status"));
        assertEquals(List.of(1, 1), executions(trigger).getList("data.attempt"));
        long one = executions(trigger).getLong("data[1].id");

        api().post("/api/executions/" + one + "/retry").then().statusCode(202).body("replayed", equalTo(true));
        await().atMost(DEADLINE).until(() -> "completed".equals(api().get("/api/executions/" + one).jsonPath().getString("status")));
        api().post("/api/executions/" + one + "/retry").then().statusCode(202).body("replayed", equalTo(false))
                .body("status", equalTo("completed"));
        api().body(json("from", "2020-01-01T00:00:00Z")).post("/api/event-triggers/" + trigger + "/executions/retry")
                .then().statusCode(200).body("replayed", equalTo(1));
        awaitFinished(trigger, 2);
        assertEquals(List.of("completed", "completed"), executions(trigger).getList("data.status"));
        api().post("/api/event-triggers/" + trigger + "/executions/retry").then().statusCode(200).body("replayed", equalTo(0));
        assertEquals(List.of("before", "after"), recordOf(type, "1").getList("tags"));
        api().post("/api/executions/99999999/retry").then().statusCode(404);
    }

    @Test
    void retryAfterIsHonoured() {
        String type = "Later" + uid().replace("-", "");
        String path = "/later/" + type;
        sink.failFirst(path, 1, 429, "2");
        int trigger = webhookTrigger(type, path, object("retry_configuration", object("delay_minutes", 0)));
        record(type, "id", "1");
        JsonPath execution = awaitFinished(trigger, 1);
        assertEquals("completed", execution.getString("status"));
        List<WebhookSink.Received> calls = sink.at(path);
        assertEquals(2, calls.size());
        assertTrue(calls.get(1).atNanos() - calls.get(0).atNanos() >= 1_900_000_000L, "waited for Retry-After: 2");
    }

    @Test
    void aStepThatMayFailLetsTheExecutionGoOnOnceItFailedForGood() {
        String type = "GoesOn" + uid();
        String path = "/optional/" + type;
        sink.answer(path, 404);
        String flaky = "/flaky/" + type;
        sink.failFirst(flaky, 100, 503, null);
        int trigger = trigger(json("name", "goes on", "trigger_type", "model_created", "model_type", type, "max_retries", 1,
                "retry_configuration", object("delay_minutes", 0), "action_configuration", object("actions", List.of(
                        object("type", "webhook", "url", sink.url(path), "on_failure", "continue"),
                        object("type", "webhook", "url", sink.url(flaky), "on_failure", "continue"),
                        object("type", "add_tag", "tag", "after")))));
        record(type, "id", "1");
        JsonPath execution = awaitFinished(trigger, 1);
        assertEquals("completed", execution.getString("status"), execution.prettify());
        assertEquals(List.of("failed", "failed", "completed"), execution.getList("steps.status"));
        assertEquals(2, execution.getInt("attempt"), "the transient failure was retried first, then given up");
        assertEquals(1, sink.at(path).size(), "the 404 was not retried: the next attempt resumed after it");
        assertEquals(List.of("after"), recordOf(type, "1").getList("tags"));

        api().body(json("name", "x", "trigger_type", "manual", "action_configuration", object("actions", List.of(
                        object("type", "add_tag", "tag", "x", "on_failure", "ignore")))))
                .post("/api/event-triggers").then().statusCode(422).body("errors[0].path", equalTo("action_configuration.actions[0].on_failure"));
    }
}
