package dev.triggerfish.crm;

import dev.triggerfish.EndToEnd;
import dev.triggerfish.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.triggerfish.Api.api;
import static dev.triggerfish.JsonFixtures.json;
import static dev.triggerfish.JsonFixtures.read;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Changes written straight to captured tables in SQL fire triggers like changes through the API. */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class CaptureTest extends EndToEnd {
    @Test
    void sqlCapturedChangesFireTriggers() {
        String table = "crm_contacts_" + uid().replace("-", "");
        String path = "/captured/" + table;
        pool.query("create table " + table + " (id serial primary key, email text, source text, stage text)").execute().await().indefinitely();
        api().body(json("table", table, "model_type", "App\\Models\\Prospect")).post("/api/capture")
                .then().statusCode(201).body("model_type", equalTo("prospect"));
        api().get("/api/capture").then().statusCode(200).body("table", hasItem(table));
        int created = trigger("""
                {"name": "captured create", "trigger_type": "model_created", "model_type": "App\\\\Models\\\\Prospect",
                 "trigger_conditions": [{"field": "source", "operator": "equals", "value": "website_form"}],
                 "action_configuration": {"actions": [{"type": "webhook", "url": "%s", "body": {"email": "{{entity.email}}"}}]}}"""
                .formatted(sink.url(path)));
        int changed = trigger("""
                {"name": "captured stage", "trigger_type": "field_changed", "model_type": "Prospect",
                 "trigger_conditions": [{"field": "stage", "operator": "changed_to", "value": "won"}],
                 "action_configuration": {"actions": [{"type": "webhook", "url": "%s", "body": {"id": "{{entity_id}}"}}]}}"""
                .formatted(sink.url("/won/" + table)));

        pool.query("insert into " + table + " (email, source) values ('a@example.com', 'website_form'), ('b@example.com', 'import')")
                .execute().await().indefinitely();
        pool.query("update " + table + " set stage = 'won' where email = 'b@example.com'").execute().await().indefinitely();
        pool.query("update " + table + " set stage = 'won' where email = 'b@example.com'").execute().await().indefinitely();

        awaitFinished(created, 1);
        awaitFinished(changed, 1);
        assertEquals(Map.of("email", "a@example.com"), read(sink.at(path).get(0).body()));
        // installed by hand in SQL, with the model type written as a class name
        String other = table + "_sql";
        pool.query("create table " + other + " (id text primary key, email text, source text)").execute().await().indefinitely();
        pool.query("create trigger triggerfish_capture after insert or update or delete on " + other
                + " for each row execute function triggerfish_capture('Prospect', 'id')").execute().await().indefinitely();
        pool.query("insert into " + other + " values ('p-1', 'c@example.com', 'website_form')").execute().await().indefinitely();
        awaitFinished(created, 2);
        assertEquals("p-1", executions(created).getString("data[0].entity_id"));
        assertEquals(1, sink.at("/won/" + table).size());
        api().body(json("table", "no_such_table", "model_type", "X")).post("/api/capture")
                .then().statusCode(422).body("errors[0].path", equalTo("table"));
        api().delete("/api/capture/" + table).then().statusCode(204);
        api().get("/api/capture").then().body("table", org.hamcrest.Matchers.not(hasItem(table)));
    }
}
