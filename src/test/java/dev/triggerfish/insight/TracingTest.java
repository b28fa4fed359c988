package dev.triggerfish.insight;

import dev.triggerfish.EndToEnd;
import dev.triggerfish.PostgresResource;
import dev.triggerfish.WebhookSink;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.triggerfish.Api.api;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Logs and traces: a webhook carries the W3C traceparent of its step, in the trace of the request that
 * sent the event; log lines about an execution carry its ids in the MDC (JSON logs write them as fields).
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class TracingTest extends EndToEnd {
    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

    @Test
    void aWebhookCarriesTheTraceOfTheIntakeRequestThroughTheRunner() {
        String type = "Traced" + uid();
        String path = "/traced/" + uid();
        trigger("""
                {"name": "traced", "trigger_type": "model_created", "model_type": "%s",
                 "action_configuration": {"actions": [{"type": "webhook", "url": "%s"}, {"type": "webhook", "url": "%s"}]}}"""
                .formatted(type, sink.url(path + "/0"), sink.url(path + "/1")));
        api().header("traceparent", "00-" + TRACE + "-00f067aa0ba902b7-01")
                .body("{\"event\": \"created\", \"entity_type\": \"" + type + "\", \"entity_id\": \"t1\", \"record\": {}}")
                .post("/api/events").then().statusCode(202);
        await().atMost(DEADLINE).until(() -> sink.at(path).size() == 2);
        List<WebhookSink.Received> calls = sink.at(path);
        String first = calls.get(0).headers().get("traceparent");
        String second = calls.get(1).headers().get("traceparent");
        assertTrue(first != null && first.matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]"), "traceparent: " + first);
        assertEquals(TRACE, first.split("-")[1], "the webhook is in the intake request's trace");
        assertEquals(TRACE, second.split("-")[1]);
        assertNotEquals(first.split("-")[2], second.split("-")[2], "each step is a span of its own");
    }

    @Test
    void logLinesAboutAnExecutionCarryItsIdsInTheMdc() {
        String type = "Logged" + uid();
        int trigger = trigger("""
                {"name": "logged", "trigger_type": "model_created", "model_type": "%s", "debug_mode": true,
                 "action_configuration": {"actions": [{"type": "webhook", "url": "%s"}]}}""".formatted(type, sink.url("/logged/" + uid())));
        java.util.List<java.util.Map<String, String>> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                if (record instanceof org.jboss.logmanager.ExtLogRecord ext) {
                    seen.add(java.util.Map.of("message", ext.getFormattedMessage(), "execution_id", String.valueOf(ext.getMdc("execution_id")),
                            "trigger_id", String.valueOf(ext.getMdc("trigger_id")), "event_id", String.valueOf(ext.getMdc("event_id"))));
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger("dev.triggerfish.execution.DebugTrace");
        logger.addHandler(capture);
        try {
            long event = api().body("{\"event\": \"created\", \"entity_type\": \"" + type + "\", \"entity_id\": \"l1\", \"record\": {}}")
                    .post("/api/events").then().statusCode(202).extract().jsonPath().getLong("event_ids[0]");
            long execution = awaitFinished(trigger, 1).getLong("id");
            await().atMost(DEADLINE).until(() -> seen.stream().anyMatch(l -> l.get("message").contains("step 0 (webhook)")
                    && l.get("execution_id").equals(String.valueOf(execution))));
            java.util.Map<String, String> line = seen.stream().filter(l -> l.get("message").contains("step 0 (webhook)")).findFirst().orElseThrow();
            assertEquals(String.valueOf(trigger), line.get("trigger_id"));
            assertEquals(String.valueOf(event), line.get("event_id"));
        } finally {
            logger.removeHandler(capture);
        }
    }
}
