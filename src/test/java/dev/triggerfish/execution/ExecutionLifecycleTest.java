package dev.triggerfish.execution;

import dev.triggerfish.EndToEnd;
import dev.triggerfish.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.triggerfish.Api.api;
import static dev.triggerfish.JsonFixtures.json;
import static dev.triggerfish.JsonFixtures.object;
import static dev.triggerfish.JsonFixtures.read;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Manual runs, and claims: released by a stopping replica, kept by the heartbeat through a long step. */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class ExecutionLifecycleTest extends EndToEnd {
    @Inject
    ExecutionStore store;

    @Test
    void manualExecutionRunsNowAndShowsInTheHistory() {
        String path = "/manual/" + uid();
        int trigger = trigger("""
                {"name": "manual", "trigger_type": "manual", "model_type": "Contact",
                 "action_configuration": {"actions": [{"type": "webhook", "url": "%s",
                    "body": {"who": "{{entity.first_name}}", "why": "{{context.reason}}"}}]}}""".formatted(sink.url(path)));
        String contact = "m-" + uid();
        record("contacts", "id", contact, "first_name", "Alan");
        long execution = api().body(json("entity_type", "Contact", "entity_id", contact, "context", object("reason", "demo")))
                .post("/api/event-triggers/" + trigger + "/execute")
                .then().statusCode(202).header("Location", containsString("/api/executions/"))
                .extract().jsonPath().getLong("execution_id");
        await().atMost(DEADLINE).until(() -> "completed".equals(api().get("/api/executions/" + execution).jsonPath().getString("status")));
        assertEquals(Map.of("who", "Alan", "why", "demo"), read(sink.at(path).get(0).body()));
        api().queryParam("status", "completed").queryParam("limit", 50).get("/api/event-triggers/" + trigger + "/executions")
                .then().statusCode(200).body("data.id", hasItem((int) execution));
        api().queryParam("status", "failed").get("/api/event-triggers/" + trigger + "/executions")
                .then().statusCode(200).body("data.size()", equalTo(0));
        api().post("/api/event-triggers/99999999/execute").then().statusCode(404);
        api().queryParam("status", "done").get("/api/event-triggers/" + trigger + "/executions").then().statusCode(400);
    }

    @Test
    void executionsHeldByAStoppingReplicaAreReleasedForTheOthers() {
        String type = "Release" + uid().replace("-", "");
        int trigger = trigger("""
                {"name": "released", "trigger_type": "manual", "model_type": "%s",
                 "action_configuration": {"actions": [{"type": "webhook", "url": "%s"}]}}""".formatted(type, sink.url("/released/" + type)));
        // a replica that claimed an execution and is shutting down
        long event = sql("insert into events (kind, entity_type, source, status) values ('manual', $1, 'test', 'dispatched') returning id",
                type.toLowerCase()).iterator().next().getLong("id");
        sql("""
                insert into trigger_executions (trigger_id, trigger_version, event_id, entity_type, status, attempt, claimed_by, lease_until, started_at)
                values ($1, 0, $2, $3, 'running', 1, 'stopping-replica', now() + interval '1 hour', now())""", (long) trigger, event, type.toLowerCase());
        assertEquals(1, store.release("stopping-replica").await().indefinitely());
        // this replica takes it over at once (the lease had an hour to run)
        JsonPath execution = awaitFinished(trigger, 1);
        assertEquals("completed", execution.getString("status"));
        assertEquals(1, execution.getInt("attempt"));
        assertEquals(0, store.release("stopping-replica").await().indefinitely());
    }

    @Test
    void aStepLongerThanTheLeaseKeepsItsClaimAndRunsOnce() {
        String type = "Slow" + uid().replace("-", "");
        String path = "/slow/" + type;
        sink.slow(path, 5_000); // the test profile's lease is 3 s; the heartbeat renews it every second
        int trigger = trigger("""
                {"name": "slow", "trigger_type": "model_created", "model_type": "%s",
                 "action_configuration": {"actions": [{"type": "webhook", "url": "%s", "timeout_seconds": 10}]}}"""
                .formatted(type, sink.url(path)));
        record(type, "id", "1");
        JsonPath execution = awaitFinished(trigger, 1);
        assertEquals("completed", execution.getString("status"));
        assertEquals(1, execution.getInt("attempt"));
        assertEquals(1, sink.at(path).size());
    }
}
