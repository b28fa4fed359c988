package dev.triggerfish;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

import static dev.triggerfish.Api.api;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/** The packaged application (the jar, or the native executable with -Dnative) does its job end to end. */
@QuarkusIntegrationTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class PackagedAppIT {
    static WebhookSink sink;

    @BeforeAll
    static void startSink() {
        sink = new WebhookSink();
    }

    @AfterAll
    static void stopSink() {
        sink.close();
    }

    @Test
    void healthAndAnEventDeliveredToAWebhook() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        String type = "Packaged" + UUID.randomUUID().toString().substring(0, 8).replace("-", "");
        api().body("""
                {"name": "packaged", "trigger_type": "model_created", "model_type": "%s",
                 "action_configuration": {"actions": [{"type": "webhook", "url": "%s", "body": {"id": "{{entity_id}}"}}]}}"""
                .formatted(type, sink.url("/packaged"))).post("/api/event-triggers").then().statusCode(201);
        api().body("{\"event\": \"created\", \"entity_type\": \"" + type + "\", \"entity_id\": 1, \"record\": {}}")
                .post("/api/events").then().statusCode(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> sink.at("/packaged").size() == 1);
    }
}
