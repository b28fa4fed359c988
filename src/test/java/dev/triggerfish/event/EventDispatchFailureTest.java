package dev.triggerfish.event;

import dev.triggerfish.PostgresResource;
import dev.triggerfish.WithWebhookSink;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

import static dev.triggerfish.Api.api;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * An event whose dispatch cannot succeed ends {@code failed} with the reason, after a bounded number
 * of attempts, instead of being claimed again every lease forever; it shows in the API and can be
 * dispatched again once repaired.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class EventDispatchFailureTest extends WithWebhookSink {
    static final Duration DEADLINE = Duration.ofSeconds(20);

    @Inject
    Pool pool;

    long trigger(String type, String path) {
        return api().body("""
                        {"name": "dispatch failures", "trigger_type": "model_created", "model_type": "%s",
                         "action_configuration": {"actions": [{"type": "webhook", "url": "%s", "body": {"id": "{{entity_id}}"}}]}}"""
                        .formatted(type, sink.url(path)))
                .post("/api/event-triggers").then().statusCode(201).extract().jsonPath().getLong("id");
    }

    /** An event written straight into the table, as a CRM's own SQL may do, announced like any other. */
    long insertEvent(String type, String id, String newState, String status, int attempts, String leaseUntil) {
        long event = pool.preparedQuery("""
                        insert into events (kind, entity_type, entity_id, new_state, source, status, claimed_by, lease_until, attempts)
                        values ('created', $1, $2, $3::text::jsonb, 'capture', $4, case when $4 = 'dispatching' then 'a-dead-replica' end,
                                $5::text::timestamptz, $6) returning id""")
                .execute(Tuple.of(type, id, newState, status, leaseUntil, attempts))
                .await().indefinitely().iterator().next().getLong(0);
        pool.query("select pg_notify('" + EventStore.CHANNEL + "', '')").execute().await().indefinitely();
        return event;
    }

    @Test
    void anEventThatCannotBeReadFailsAtOnceWithTheReasonAndTheOthersFlow() {
        String type = "Poison" + UUID.randomUUID().toString().substring(0, 8);
        trigger(type, "/poison-" + type);
        long poison = insertEvent(type.toLowerCase(), "p1", "[1, 2]", "new", 0, null);
        long good = insertEvent(type.toLowerCase(), "g1", "{}", "new", 0, null);

        await().atMost(DEADLINE).until(() -> sink.at("/poison-" + type).size() == 1);
        await().atMost(DEADLINE).untilAsserted(() -> api().get("/api/events/" + poison).then().statusCode(200)
                .body("status", equalTo("failed"))
                .body("error", containsString("cannot be read")));
        api().get("/api/events/" + good).then().statusCode(200).body("status", equalTo("dispatched"));
        // counted right after the row is failed: awaited, as a scraper would see it a moment later
        await().atMost(DEADLINE).untilAsserted(() -> io.restassured.RestAssured.given().get("/q/metrics").then().statusCode(200)
                .body(containsString("triggerfish_events_failed_total{reason=\"unreadable\"}")));

        // repaired, then dispatched again on request
        pool.preparedQuery("update events set new_state = '{}'::jsonb where id = $1").execute(Tuple.of(poison)).await().indefinitely();
        api().post("/api/events/" + poison + "/redispatch").then().statusCode(202).body("status", equalTo("new"));
        await().atMost(DEADLINE).until(() -> sink.at("/poison-" + type).size() == 2);
        api().get("/api/events/" + poison).then().statusCode(200).body("status", equalTo("dispatched")).body("attempts", equalTo(1));
        api().post("/api/events/" + poison + "/redispatch").then().statusCode(409).contentType("application/problem+json");
        api().post("/api/events/999999999/redispatch").then().statusCode(404);
    }

    @Test
    void anEventWhoseClaimsKeptExpiringFailsAfterItsLastAttempt() {
        String type = "Exhausted" + UUID.randomUUID().toString().substring(0, 8);
        trigger(type, "/exhausted-" + type);
        // claimed five times by replicas that died before they finished (the default bound is 5 attempts)
        long exhausted = insertEvent(type.toLowerCase(), "e1", "{}", "dispatching", 5, "2000-01-01T00:00:00Z");
        long retried = insertEvent(type.toLowerCase(), "e2", "{}", "dispatching", 2, "2000-01-01T00:00:00Z");

        await().atMost(DEADLINE).untilAsserted(() -> api().get("/api/events/" + exhausted).then().statusCode(200)
                .body("status", equalTo("failed"))
                .body("error", containsString("5 attempts")));
        await().atMost(DEADLINE).until(() -> sink.at("/exhausted-" + type).size() == 1);
        api().get("/api/events/" + retried).then().statusCode(200).body("status", equalTo("dispatched")).body("attempts", equalTo(3));
        // counted right after the row is failed: awaited, as a scraper would see it a moment later
        await().atMost(DEADLINE).untilAsserted(() -> io.restassured.RestAssured.given().get("/q/metrics").then().statusCode(200)
                .body(containsString("triggerfish_events_failed_total{reason=\"exhausted\"}")));
    }
}
