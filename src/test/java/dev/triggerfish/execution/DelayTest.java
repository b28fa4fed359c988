package dev.triggerfish.execution;

import dev.triggerfish.EndToEnd;
import dev.triggerfish.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import static dev.triggerfish.Api.api;
import static dev.triggerfish.JsonFixtures.json;
import static dev.triggerfish.JsonFixtures.object;
import static dev.triggerfish.JsonFixtures.read;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Delayed executions render the record as the store holds it when the delay ends, whatever the clocks say. */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class DelayTest extends EndToEnd {
    @Test
    void aDelayedExecutionRendersTheRecordAsItIsWhenTheDelayEnds() {
        String type = "Delayed" + uid().replace("-", "");
        String path = "/delayed/" + type;
        int trigger = trigger("""
                {"name": "delayed", "trigger_type": "model_created", "model_type": "%s", "delay_minutes": 10,
                 "action_configuration": {"actions": [{"type": "webhook", "url": "%s",
                     "body": {"name": "{{entity.name}}"}}]}}""".formatted(type, sink.url(path)));
        record(type, "id", "1", "name", "first");
        record(type, "id", "2", "name", "second");
        await().atMost(DEADLINE).until(() -> executions(trigger).getList("data").size() == 2);
        update(type, "1", "name", "renamed");
        // the ten minutes pass for both (claimed together: their records are read in one query)
        sql("""
                        with due as (update trigger_executions set next_attempt_at = now() where trigger_id = $1 returning event_id)
                        update events set created_at = created_at - interval '10 minutes' where id in (select event_id from due)""", trigger);
        await().atMost(DEADLINE).until(() -> sink.at(path).size() == 2);
        List<Object> names = sink.at(path).stream().map(r -> read(r.body()).get("name")).sorted().map(Object.class::cast).toList();
        assertEquals(List.of("renamed", "second"), names);
    }

    @Test
    void aRecordChangedAfterItsEventIsRenderedAsTheStoreHoldsItWhateverTheClocksSay() {
        String type = "Skewed" + uid().replace("-", "");
        String path = "/skewed/" + type;
        int trigger = trigger("""
                {"name": "skewed", "trigger_type": "model_created", "model_type": "%s", "delay_minutes": 10,
                 "action_configuration": {"actions": [{"type": "webhook", "url": "%s",
                     "body": {"id": "{{entity_id}}", "name": "{{entity.name}}"}}]}}""".formatted(type, sink.url(path)));
        record(type, "id", "ahead", "name", "first");
        record(type, "id", "behind", "name", "first");
        record(type, "id", "unchanged", "name", "as created");
        await().atMost(DEADLINE).until(() -> executions(trigger).getList("data").size() == 3);
        update(type, "ahead", "name", "renamed");
        update(type, "behind", "name", "renamed");
        // the delay ends; the events read as a database clock an hour ahead of this JVM's (or behind it) wrote them
        sql("""
                        with due as (update trigger_executions set next_attempt_at = now() where trigger_id = $1
                                     returning event_id, entity_id)
                        update events e set created_at = now() + case when due.entity_id = 'ahead' then interval '1 hour'
                                                                      else interval '-1 hour' end
                        from due where e.id = due.event_id""", trigger);
        await().atMost(DEADLINE).until(() -> sink.at(path).size() == 3);
        Map<Object, Object> names = new java.util.TreeMap<>();
        sink.at(path).forEach(r -> names.put(read(r.body()).get("id"), read(r.body()).get("name")));
        assertEquals(Map.of("ahead", "renamed", "behind", "renamed", "unchanged", "as created"), names);
    }

    @Test
    void aDelayedRestEventRendersTheRecordAsTheStoreHoldsIt() {
        String type = "Sent" + uid().replace("-", "");
        String path = "/sent/" + type;
        record(type, "id", "1", "name", "in the store");
        int trigger = trigger("""
                {"name": "sent", "trigger_type": "model_created", "model_type": "%s", "delay_minutes": 10,
                 "action_configuration": {"actions": [{"type": "webhook", "url": "%s",
                     "body": {"name": "{{entity.name}}"}}]}}""".formatted(type, sink.url(path)));
        api().body(json("event", "created", "entity_type", type, "entity_id", "1", "record", object("name", "as sent")))
                .post("/api/events").then().statusCode(202);
        await().atMost(DEADLINE).until(() -> executions(trigger).getList("data").size() == 1);
        // the ten minutes pass: by the database's own clock, the event is no longer the latest word
        sql("""
                        with due as (update trigger_executions set next_attempt_at = now() where trigger_id = $1 returning event_id)
                        update events set created_at = created_at - interval '10 minutes' where id in (select event_id from due)""", trigger);
        await().atMost(DEADLINE).until(() -> sink.at(path).size() == 1);
        assertEquals("in the store", read(sink.at(path).get(0).body()).get("name"));
    }

    @Test
    void aDelayStepPausesTheExecutionDurablyAndTheNextStepSeesTheRecordAsItIsWhenItEnds() {
        String type = "Paused" + uid();
        String path = "/paused/" + type;
        int trigger = trigger(json("name", "paused", "trigger_type", "model_created", "model_type", type, "max_retries", 1,
                "action_configuration", object("actions", List.of(object("type", "add_tag", "tag", "seen"),
                        object("type", "delay", "minutes", 120),
                        object("type", "webhook", "url", sink.url(path), "body", object("name", "{{entity.name}}"))))));
        record(type, "id", "1", "name", "first");
        await().atMost(DEADLINE).until(() -> "scheduled".equals(executions(trigger).getString("data[0].status")));
        JsonPath paused = executions(trigger);
        OffsetDateTime due = OffsetDateTime.parse(paused.getString("data[0].next_attempt_at"));
        assertTrue(due.isAfter(OffsetDateTime.now().plusMinutes(115)) && due.isBefore(OffsetDateTime.now().plusMinutes(125)), due.toString());
        assertEquals(0, sink.at(path).size(), "nothing after the delay ran yet");
        update(type, "1", "name", "renamed meanwhile");

        // the two hours pass
        sql("update trigger_executions set next_attempt_at = now() where id = $1", paused.getLong("data[0].id"));
        JsonPath execution = awaitFinished(trigger, 1);
        assertEquals("completed", execution.getString("status"));
        assertEquals(List.of("completed", "completed", "completed"), execution.getList("steps.status"));
        assertEquals(1, execution.getInt("attempt"), "a delay is no attempt: the retries are all still there");
        assertEquals("renamed meanwhile", read(sink.at(path).get(0).body()).get("name"));

        api().body(json("name", "x", "trigger_type", "manual", "action_configuration", object("actions", List.of(
                        object("type", "delay", "minutes", 0)))))
                .post("/api/event-triggers").then().statusCode(422).body("errors[0].path", equalTo("action_configuration.actions[0].minutes"));
        api().body(json("name", "x", "trigger_type", "manual", "action_configuration", object("actions", List.of(
                        object("type", "delay", "minutes", 5, "until", "follow_up_on")))))
                .post("/api/event-triggers").then().statusCode(422);
    }

    @Test
    void aDelayUntilADateOfTheRecordWaitsForItOrGoesOnWhenItIsPast() {
        String type = "Until" + uid();
        int trigger = trigger(json("name", "until", "trigger_type", "model_created", "model_type", type,
                "action_configuration", object("actions", List.of(object("type", "delay", "until", "follow_up_on"),
                        object("type", "add_tag", "tag", "followed")))));
        record(type, "id", "later", "follow_up_on", OffsetDateTime.now().plusDays(3).toLocalDate().toString());
        record(type, "id", "past", "follow_up_on", "2020-01-01");
        record(type, "id", "none");
        await().atMost(DEADLINE).until(() -> executions(trigger).getList("data.status").containsAll(List.of("scheduled", "completed", "failed")));
        assertEquals(List.of("followed"), recordOf(type, "past").getList("tags"));
        assertEquals(List.of(), recordOf(type, "later").getList("tags"));
        List<String> errors = executions(trigger).getList("data.error");
        assertTrue(errors.stream().anyMatch(e -> e != null && e.contains("the record's follow_up_on is not a date")), errors.toString());
    }
}
