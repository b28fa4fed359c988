package dev.triggerfish.event;

import dev.triggerfish.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static dev.triggerfish.Api.api;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/** Past the backlog bound, intake answers 503 with Retry-After instead of piling events up. */
@QuarkusTest
@TestProfile(OverloadTest.TinyBacklog.class)
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class OverloadTest {

    /** No dispatcher on this replica, and a backlog bound of 3 events. */
    public static class TinyBacklog implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("triggerfish.dispatch.enabled", "false", "triggerfish.intake.max-backlog", "3",
                    "triggerfish.intake.retry-after", "7");
        }
    }

    @Test
    void intakeRefusesWithRetryAfterWhenTheBacklogPassesItsBound() {
        String events = "[" + "{\"event\": \"custom.ping\", \"entity_type\": \"Ping\", \"entity_id\": 1},".repeat(4)
                + "{\"event\": \"custom.ping\", \"entity_type\": \"Ping\", \"entity_id\": 2}]";
        api().body(events).post("/api/events").then().statusCode(202).body("accepted", equalTo(5));
        await().atMost(Duration.ofSeconds(10)).until(() -> api().body("{\"event\": \"custom.ping\", \"entity_type\": \"Ping\"}")
                .post("/api/events").statusCode() == 503);
        api().body("{\"event\": \"custom.ping\", \"entity_type\": \"Ping\"}").post("/api/events")
                .then().statusCode(503).header("Retry-After", "7").contentType("application/problem+json")
                .body("title", equalTo("Overloaded"));
    }
}
