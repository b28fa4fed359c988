package dev.triggerfish.event;

import dev.triggerfish.EndToEnd;
import dev.triggerfish.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.triggerfish.Api.api;
import static dev.triggerfish.JsonFixtures.created;
import static dev.triggerfish.JsonFixtures.createdBatch;
import static dev.triggerfish.JsonFixtures.json;
import static dev.triggerfish.JsonFixtures.object;
import static dev.triggerfish.JsonFixtures.read;
import static dev.triggerfish.JsonFixtures.text;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Events posted to the API are durable, matched once, deduplicated by their id, and survive cut connections. */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class IntakeTest extends EndToEnd {
    @Test
    void eventsFromRestSingleAndBatchAreDurableAndMatched() {
        String type = "Lead" + uid().replace("-", "");
        String path = "/lead/" + uid();
        int trigger = trigger("""
                {"name": "lead webhook", "trigger_type": "model_created", "model_type": "%s",
                 "trigger_conditions": [{"field": "score", "operator": "greater_than", "value": 80}],
                 "action_configuration": {"actions": [{"type": "webhook", "url": "%s",
                   "body": {"entity_type": "{{entity_type}}", "entity_id": "{{entity_id}}", "trigger_event": "{{trigger_event}}",
                            "missing": "{{entity.nope}}"}}]}}""".formatted(type, sink.url(path)));
        api().body(text(created(type, 1, object("score", 90))))
                .post("/api/events").then().statusCode(202).body("accepted", equalTo(1));
        api().body(text(List.of(created(type, 2, object("score", 95)), created(type, 3, object("score", 10)),
                        created(type, 4, object("score", "99")))))
                .post("/api/events").then().statusCode(202).body("accepted", equalTo(3));
        await().atMost(DEADLINE).until(() -> sink.at(path).size() == 3);
        JsonPath execution = awaitFinished(trigger, 3);
        assertEquals("completed", execution.getString("status"));
        assertEquals(List.of("entity.nope"), execution.getList("steps[0].output.missing_values"));
        List<Object> sentIds = sink.at(path).stream().map(r -> read(r.body()).get("entity_id")).sorted().map(Object.class::cast).toList();
        assertEquals(List.of("1", "2", "4"), sentIds);
        assertEquals(type.toLowerCase() + ".created", read(sink.at(path).get(0).body()).get("trigger_event"));
        assertEquals("", read(sink.at(path).get(0).body()).get("missing"));
    }

    @Test
    void intakeGivesBackTheRunnerRoomItReservedForEventsThatCreateNothing() {
        // every POST reserves runner slots for its events before storing them; a replay runs nothing and
        // must give them back: 20 replays of 100 events would otherwise hold 2,000 slots of the 256
        String type = "Room" + uid().replace("-", "");
        String path = "/room/" + type;
        int trigger = entityIdWebhook(type, path);
        String events = createdBatch(type, 0, 100, true);
        for (int i = 0; i < 21; i++) {
            api().body(events).post("/api/events").then().statusCode(202).body("accepted", equalTo(100));
        }
        api().body(text(created(type, "late", Map.of())))
                .post("/api/events").then().statusCode(202);
        await().atMost(DEADLINE).until(() -> sink.at(path).size() == 101);
        List<String> statuses = api().queryParam("limit", 200).get("/api/event-triggers/" + trigger + "/executions").then().statusCode(200)
                .extract().jsonPath().getList("data.status");
        assertEquals(101, statuses.size(), "one execution per event, none for the replays");
        await().atMost(DEADLINE).until(() -> api().queryParam("limit", 200).queryParam("status", "completed")
                .get("/api/event-triggers/" + trigger + "/executions").then().extract().jsonPath().getList("data").size() == 101);
    }

    @Test
    void aReplayedEventIdCreatesNoSecondExecution() {
        String type = "Replay" + uid().replace("-", "");
        int trigger = trigger("""
                {"name": "replay", "trigger_type": "model_created", "model_type": "%s",
                 "action_configuration": {"actions": [{"type": "webhook", "url": "%s"}]}}""".formatted(type, sink.url("/replay/" + type)));
        Map<String, Object> replayed = object("event_id", "crm-evt-" + type);
        replayed.putAll(created(type, 7, object("x", 1)));
        String event = text(replayed);
        long first = api().body(event).post("/api/events").then().statusCode(202).extract().jsonPath().getLong("event_ids[0]");
        long again = api().body(event).post("/api/events").then().statusCode(202).extract().jsonPath().getLong("event_ids[0]");
        long batch = api().body(text(List.of(replayed, replayed))).post("/api/events").then().statusCode(202)
                .extract().jsonPath().getLong("event_ids[1]");
        assertEquals(first, again);
        assertEquals(first, batch);
        awaitFinished(trigger, 1);
        assertEquals(1, sink.at("/replay/" + type).size());
    }

    @Test
    void cutDatabaseConnectionsAreReopenedAndNoEventIsLost() {
        String type = "Cut" + uid().replace("-", "");
        String path = "/cut/" + type;
        int trigger = entityIdWebhook(type, path);
        // every connection of the service, the LISTEN one included, is cut
        pool.query("select pg_terminate_backend(pid) from pg_stat_activity where pid <> pg_backend_pid() and backend_type = 'client backend'")
                .execute().await().indefinitely();
        await().atMost(DEADLINE).ignoreExceptions().until(() -> api().body(json("id", "1")).post("/api/records/" + type).statusCode() == 201);
        // an event written straight into the table (no NOTIFY from this writer) is found by polling
        pool.query("insert into events (kind, entity_type, entity_id, new_state, source) values ('created', '" + type.toLowerCase()
                + "', '2', '{}'::jsonb, 'test')").execute().await().indefinitely();
        await().atMost(DEADLINE).until(() -> sink.at(path).size() == 2);
        awaitFinished(trigger, 2);
        assertEquals(List.of("1", "2"), sink.at(path).stream().map(r -> read(r.body()).get("id")).sorted().toList());
    }

    @Test
    void badEventsAreRejectedWithThePathOfEachField() {
        api().body(text(List.of(object("event", "created", "entity_type", "Contact", "record", Map.of()),
                        object("event", "Created!", "entity_type", ""))))
                .post("/api/events").then().statusCode(422)
                .body("errors.path", equalTo(List.of("[1].event", "[1].entity_type")));
        api().body(json("event", "updated", "entity_type", "Deal", "changes", object("stage", "won")))
                .post("/api/events").then().statusCode(422).body("errors[0].path", equalTo("changes.stage"));
        api().body("\"text\"").post("/api/events").then().statusCode(400);
    }
}
