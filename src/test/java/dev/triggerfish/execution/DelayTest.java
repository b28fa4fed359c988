package dev.triggerfish.execution;

import dev.triggerfish.EndToEnd;
import dev.triggerfish.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.triggerfish.Api.api;
import static dev.triggerfish.JsonFixtures.json;
import static dev.triggerfish.JsonFixtures.object;
import static dev.triggerfish.JsonFixtures.read;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
