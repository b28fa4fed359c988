package dev.triggerfish.insight;

import dev.triggerfish.EndToEnd;
import dev.triggerfish.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static dev.triggerfish.Api.api;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What /q/metrics says about the engine's work, read as Prometheus would scrape it. */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class MetricsTest extends EndToEnd {

    @Test
    void aCompletedAndAFailedWebhookAreCountedByTriggerStatusActionAndTarget() {
        String type = "Metric" + uid();
        String ok = "/metrics-ok/" + uid();
        String missing = "/metrics-missing/" + uid();
        sink.answer(missing, 404);
        int completes = trigger(webhook(type, ok));
        int fails = trigger(webhook(type, missing));
        double received = current("triggerfish_events_received_total", "kind=\"created\"", "source=\"api\"");
        double steps = current("triggerfish_step_duration_seconds_count", "action_type=\"webhook\"", "status=\"completed\"");
        double answered2xx = current("triggerfish_outbound_calls_total", "host=\"127.0.0.1\"", "status_class=\"2xx\"");
        double answered4xx = current("triggerfish_outbound_calls_total", "host=\"127.0.0.1\"", "status_class=\"4xx\"");
        double deadLetters = current("triggerfish_dead_letters_total");

        api().body("{\"event\": \"created\", \"entity_type\": \"" + type + "\", \"entity_id\": \"1\", \"record\": {\"name\": \"x\"}}")
                .post("/api/events").then().statusCode(202);
        awaitFinished(completes, 1);
        awaitFinished(fails, 1);

        String scraped = scrape();
        assertEquals(1.0, value(scraped, "triggerfish_executions_ended_total", "status=\"completed\"", "trigger=\"" + completes + "\""));
        assertEquals(1.0, value(scraped, "triggerfish_executions_ended_total", "status=\"failed\"", "trigger=\"" + fails + "\""));
        assertTrue(value(scraped, "triggerfish_events_received_total", "kind=\"created\"", "source=\"api\"") >= received + 1, scraped);
        assertTrue(value(scraped, "triggerfish_step_duration_seconds_count", "action_type=\"webhook\"", "status=\"completed\"") >= steps + 1);
        assertTrue(value(scraped, "triggerfish_outbound_calls_total", "host=\"127.0.0.1\"", "status_class=\"2xx\"") >= answered2xx + 1);
        assertTrue(value(scraped, "triggerfish_outbound_calls_total", "host=\"127.0.0.1\"", "status_class=\"4xx\"") >= answered4xx + 1);
        assertTrue(value(scraped, "triggerfish_dead_letters_total") >= deadLetters + 1);
        assertTrue(scraped.contains("triggerfish_step_duration_seconds_bucket{action_type=\"webhook\",status=\"completed\",le=\"0.1\"}"),
                "step durations are a histogram with fixed buckets");
    }

    @Test
    void rateLimitedAndChainCutExecutionsAreCounted() {
        String type = "Limited" + uid();
        int limited = trigger("""
                {"name": "limited", "trigger_type": "model_created", "model_type": "%s", "rate_limiting": {"limit": 1, "period": "hour"},
                 "action_configuration": {"actions": [{"type": "webhook", "url": "%s"}]}}""".formatted(type, sink.url("/limited/" + uid())));
        double rejected = current("triggerfish_rate_limited_total", "outcome=\"rejected\"");
        double cut = current("triggerfish_chain_cut_total");
        double captured = current("triggerfish_events_received_total", "kind=\"created\"", "source=\"capture\"");
        for (int i = 0; i < 2; i++) {
            api().body("{\"event\": \"created\", \"entity_type\": \"" + type + "\", \"entity_id\": \"" + i + "\", \"record\": {}}")
                    .post("/api/events").then().statusCode(202);
        }
        // an event deeper in a chain than the limit, as the capture function writes it
        sql("insert into events (kind, entity_type, entity_id, new_state, source, chain_depth) values ('created', $1, '9', '{}', 'capture', 6)",
                type.toLowerCase());
        sql("select pg_notify('triggerfish_events', '')");
        await().atMost(DEADLINE).until(() -> executions(limited).getList("data").size() == 3);
        awaitFinished(limited, 3);

        String scraped = scrape();
        assertEquals(1.0, value(scraped, "triggerfish_executions_ended_total", "status=\"rate_limited\"", "trigger=\"" + limited + "\""));
        assertEquals(1.0, value(scraped, "triggerfish_executions_ended_total", "status=\"skipped\"", "trigger=\"" + limited + "\""));
        assertTrue(value(scraped, "triggerfish_rate_limited_total", "outcome=\"rejected\"") >= rejected + 1);
        assertTrue(value(scraped, "triggerfish_chain_cut_total") >= cut + 1);
        assertTrue(value(scraped, "triggerfish_events_received_total", "kind=\"created\"", "source=\"capture\"") >= captured + 1);
    }

    @Test
    void theBacklogIsAGaugeOfSizeAndAgeAndTheAlertedCountersExistFromTheStart() {
        String scraped = scrape();
        for (String gauge : List.of("triggerfish_backlog_events", "triggerfish_backlog_executions",
                "triggerfish_backlog_oldest_event_age_seconds", "triggerfish_backlog_oldest_execution_age_seconds")) {
            assertTrue(scraped.lines().anyMatch(l -> l.startsWith(gauge + " ") || l.startsWith(gauge + "{")), gauge + " missing");
            assertTrue(value(scraped, gauge) >= 0);
        }
        // the counters the PrometheusRule takes the increase of are there from the start (a series born at 1 has no increase)
        for (String series : List.of("triggerfish_dead_letters_total", "triggerfish_scheduler_slots_total{outcome=\"late\"",
                "triggerfish_scheduler_slots_total{outcome=\"skipped\"", "triggerfish_scheduler_slots_total{outcome=\"run\"")) {
            assertTrue(scraped.lines().anyMatch(l -> l.startsWith(series.endsWith("_total") ? series + " " : series)), series + " missing");
        }
    }

    private static String webhook(String type, String url) {
        return """
                {"name": "metered", "trigger_type": "model_created", "model_type": "%s",
                 "action_configuration": {"actions": [{"type": "webhook", "url": "%s"}]}}""".formatted(type, sink.url(url));
    }

    private static String scrape() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    private static double current(String name, String... labels) {
        return value(scrape(), name, labels);
    }

    /** The sum of the samples of {@code name} whose labels include all of {@code labels} (0 when none). */
    static double value(String scraped, String name, String... labels) {
        return scraped.lines()
                .filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .filter(l -> Arrays.stream(labels).allMatch(l::contains))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }
}
