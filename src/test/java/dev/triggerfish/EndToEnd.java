package dev.triggerfish;

import dev.triggerfish.trigger.SpecExamples;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.triggerfish.Api.api;
import static org.awaitility.Awaitility.await;

/**
 * For end-to-end tests through the API: triggers, records and users created as a user would, the
 * executions awaited with a deadline, and SQL for what only the database can arrange.
 */
public abstract class EndToEnd extends WithWebhookSink {
    protected static final Duration DEADLINE = Duration.ofSeconds(20);

    @Inject
    protected Pool pool;

    /** Creates a spec example with its webhook URLs pointed at the sink (the rest as written). */
    protected int trigger(String example, String sinkPath) {
        String body = SpecExamples.text(example)
                .replaceAll("https://[a-z.\\-]+/[A-Za-z0-9/._\\-]*", sink.url(sinkPath));
        return trigger(body);
    }

    protected int trigger(String body) {
        int id = api().body(body).post("/api/event-triggers").then().statusCode(201).extract().path("id");
        triggers.add(id);
        return id;
    }

    /** A user with the email {@code <id>@example.com}. */
    protected void user(String id, String... roles) {
        api().body(Map.of("id", id, "name", "User " + id, "email", id + "@example.com", "roles", List.of(roles))).post("/api/users")
                .then().statusCode(200);
    }

    /** Stores a record of {@code type} with the fields of {@code keysAndValues} (see {@link JsonFixtures#object}). */
    protected void record(String type, Object... keysAndValues) {
        api().body(JsonFixtures.json(keysAndValues)).post("/api/records/" + type).then().statusCode(201);
    }

    protected void update(String type, String id, Object... keysAndValues) {
        api().body(JsonFixtures.json(keysAndValues)).patch("/api/records/" + type + "/" + id).then().statusCode(200);
    }

    protected JsonPath executions(int trigger) {
        return api().get("/api/event-triggers/" + trigger + "/executions").then().statusCode(200).extract().jsonPath();
    }

    /** Waits until the trigger has {@code n} executions, all finished, and returns the newest, with its steps. */
    protected JsonPath awaitFinished(int trigger, int n) {
        await().atMost(DEADLINE).until(() -> {
            List<String> statuses = executions(trigger).getList("data.status");
            return statuses.size() == n && statuses.stream().noneMatch(s -> List.of("pending", "scheduled", "running", "retrying").contains(s));
        });
        long id = executions(trigger).getLong("data[0].id");
        return api().get("/api/executions/" + id).then().statusCode(200).extract().jsonPath();
    }

    protected JsonPath recordOf(String type, String id) {
        return api().get("/api/records/" + type + "/" + id).then().statusCode(200).extract().jsonPath();
    }

    /** A webhook trigger on created {@code type} records that posts {"id": entity id} to the sink's {@code path}. */
    protected int entityIdWebhook(String type, String path) {
        return trigger("""
                {"name": "entity id webhook", "trigger_type": "model_created", "model_type": "%s",
                 "action_configuration": {"actions": [{"type": "webhook", "url": "%s", "body": {"id": "{{entity_id}}"}}]}}"""
                .formatted(type, sink.url(path)));
    }

    /** The message templates the spec's examples name by {@code template_id}, as the spec's tests expect them whatever ran before. */
    protected static void specTemplates() {
        List<Map<String, Object>> templates = List.of(
                JsonFixtures.object("id", 1, "name", "Welcome", "channel", "email", "subject", "Welcome, {{entity.first_name}}!",
                        "html_body", "<p>Hello {{entity.first_name}}, welcome!</p>", "text_body", "Hello {{entity.first_name}}, welcome!"),
                JsonFixtures.object("id", 3, "name", "Qualified lead", "channel", "email", "subject", "Qualified lead: {{entity.full_name}}",
                        "text_body", "{{entity.full_name}} is qualified and yours."),
                JsonFixtures.object("id", 5, "name", "Stalled deal", "channel", "email", "subject", "Deal {{entity.name}} has stalled",
                        "text_body", "{{entity.name}} has not moved for a week."),
                JsonFixtures.object("id", 10, "name", "Onboarding", "channel", "email", "subject", "Welcome aboard",
                        "text_body", "Your {{entity.plan_type}} plan is ready."));
        for (Map<String, Object> template : templates) {
            int status = api().body(JsonFixtures.text(template)).post("/api/templates").statusCode();
            if (status == 409) {
                // the id exists: made here before, or generated for a template another test made without one (ids are shared)
                Map<String, Object> content = new java.util.LinkedHashMap<>(template);
                content.remove("id");
                status = api().body(JsonFixtures.text(content)).put("/api/templates/" + template.get("id")).statusCode();
            }
            if (status != 201 && status != 200) {
                throw new AssertionError("template " + template.get("id") + " answered " + status);
            }
        }
    }

    /** Runs a statement the way only the database can arrange a situation (time passing, another replica). */
    protected RowSet<Row> sql(String statement, Object... parameters) {
        return pool.preparedQuery(statement).execute(Tuple.from(parameters)).await().indefinitely();
    }
}
