package dev.triggerfish.dispatch;

import dev.triggerfish.EndToEnd;
import dev.triggerfish.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Row;
import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.triggerfish.Api.api;
import static dev.triggerfish.JsonFixtures.created;
import static dev.triggerfish.JsonFixtures.createdBatch;
import static dev.triggerfish.JsonFixtures.object;
import static dev.triggerfish.JsonFixtures.text;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A POST's events and the executions they fire are stored by one statement (one round trip), with
 * every behaviour of the transaction it replaced: replays fire nothing, each new event fires once,
 * work without a runner slot waits for any replica; a rate-limited trigger's intake stays one
 * transaction. A row's {@code xmin} names the transaction that wrote it, its {@code cmin} the command
 * within that transaction: BEGIN; insert events; insert executions; COMMIT gives the two rows one
 * {@code xmin} but two {@code cmin}.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class IntakeStatementTest extends EndToEnd {

    /** A webhook trigger on created {@code type} records, delayed by {@code delayMinutes}, with {@code more} fields. */
    private int trigger(String type, String path, int delayMinutes, Object... more) {
        Map<String, Object> trigger = object("name", "intake", "trigger_type", "model_created", "model_type", type,
                "delay_minutes", delayMinutes, "action_configuration",
                object("actions", List.of(object("type", "webhook", "url", sink.url(path), "body", object("id", "{{entity_id}}")))));
        trigger.putAll(object(more));
        return trigger(text(trigger));
    }

    /** Who wrote the event and its execution by {@code trigger}: [transaction, command] of each. */
    private List<List<String>> writers(long event, int trigger) {
        Row stored = sql("select xmin::text as tx, cmin::text as command from events where id = $1", event).iterator().next();
        Row execution = sql("select xmin::text as tx, cmin::text as command, status, next_attempt_at from trigger_executions"
                + " where event_id = $1 and trigger_id = $2", event, (long) trigger).iterator().next();
        assertEquals("scheduled", execution.getString("status"), "delayed: its row stays as it was inserted");
        OffsetDateTime due = execution.getOffsetDateTime("next_attempt_at");
        assertTrue(due.isAfter(OffsetDateTime.now().plusMinutes(59)) && due.isBefore(OffsetDateTime.now().plusMinutes(61)), due::toString);
        return List.of(List.of(stored.getString("tx"), stored.getString("command")),
                List.of(execution.getString("tx"), execution.getString("command")));
    }

    @Test
    void anEventAndItsExecutionAreWrittenByOneStatement() {
        String type = "OneStatement" + uid().replace("-", "");
        int delayed = trigger(type, "/one-statement/" + type, 60);
        String now = "/one-statement-now/" + type;
        trigger(type, now, 0);
        long event = api().body(text(created(type, 1, Map.of()))).post("/api/events").then().statusCode(202)
                .extract().jsonPath().getLong("event_ids[0]");
        List<List<String>> writers = writers(event, delayed);
        assertEquals(writers.get(0), writers.get(1), "the event and its execution: one transaction, one command");
        assertEquals("dispatched", sql("select status from events where id = $1", event).iterator().next().getString("status"));
        await().atMost(DEADLINE).until(() -> sink.at(now).size() == 1); // the undelayed one runs at once
    }

    @Test
    void aRateLimitedTriggersIntakeIsOneTransaction() {
        // its row lock is taken before its executions are inserted: a transaction of several statements, still one
        String type = "LimitedIntake" + uid().replace("-", "");
        int limited = trigger(type, "/limited-intake/" + type, 60, "rate_limiting", object("limit", 5, "period", "hour"));
        long event = api().body(text(created(type, 1, Map.of()))).post("/api/events").then().statusCode(202)
                .extract().jsonPath().getLong("event_ids[0]");
        List<List<String>> writers = writers(event, limited);
        assertEquals(writers.get(0).get(0), writers.get(1).get(0), "one transaction");
    }

    @Test
    void aBatchWithReplaysFiresEachNewEventOnceAndAnswersEveryId() {
        String type = "Mixed" + uid().replace("-", "");
        String path = "/mixed/" + type;
        int trigger = entityIdWebhook(type, path);
        Map<String, Object> known = withId(created(type, "known", Map.of()), type + "-known");
        Map<String, Object> twice = withId(created(type, "twice", Map.of()), type + "-twice");
        long first = api().body(text(known)).post("/api/events").then().statusCode(202).extract().jsonPath().getLong("event_ids[0]");
        await().atMost(DEADLINE).until(() -> sink.at(path).size() == 1);

        JsonPath answer = api().body(text(List.of(known, twice, twice, created(type, "plain", Map.of()))))
                .post("/api/events").then().statusCode(202).extract().jsonPath();
        List<Long> ids = answer.getList("event_ids", Long.class);
        assertEquals(4, answer.getInt("accepted"));
        assertEquals(first, ids.get(0), "a stored client id answers the stored event");
        assertEquals(ids.get(1), ids.get(2), "the same client id twice in a batch is one event");
        assertNotEquals(ids.get(1), ids.get(3));

        awaitFinished(trigger, 3);
        assertEquals(3, sink.at(path).size(), "known, twice and plain, each once");
        assertEquals(List.of(first, ids.get(1), ids.get(3)), sql("select event_id from trigger_executions where trigger_id = $1 order by event_id",
                (long) trigger).stream().map(r -> r.getLong("event_id")).toList());
    }

    @Test
    void executionsBeyondTheRunnerRoomWaitForAnyReplicaAndRun() {
        // 300 events in one POST, 256 runner slots: the rest are stored due, announced, and claimed by a runner
        String type = "Beyond" + uid().replace("-", "");
        String path = "/beyond/" + type;
        int trigger = entityIdWebhook(type, path);
        api().body(createdBatch(type, 0, 300, false)).post("/api/events").then().statusCode(202);
        await().atMost(DEADLINE).until(() -> sql("select count(*) as n from trigger_executions where trigger_id = $1 and status = 'completed'",
                (long) trigger).iterator().next().getLong("n") == 300);
        List<String> delivered = new ArrayList<>();
        sink.at(path).forEach(r -> delivered.add(r.body()));
        assertEquals(300, delivered.stream().distinct().count(), "each event delivered once");
        assertEquals(300, delivered.size());
    }

    private static Map<String, Object> withId(Map<String, Object> event, String clientId) {
        Map<String, Object> out = new java.util.LinkedHashMap<>(event);
        out.put("event_id", clientId);
        return out;
    }
}
