package dev.triggerfish.execution;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.triggerfish.PostgresResource;
import dev.triggerfish.WebhookSink;
import dev.triggerfish.WithWebhookSink;
import dev.triggerfish.trigger.SpecExamples;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.triggerfish.Api.api;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End to end: events from records, REST and SQL capture fire the spec's example triggers, whose
 * actions run in order against a real HTTP server and the record store.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class PipelineTest extends WithWebhookSink {
    static final Duration DEADLINE = Duration.ofSeconds(20);
    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    Pool pool;


    /** Creates a spec example with its webhook URLs pointed at the sink (the rest as written). */
    int trigger(String example, String sinkPath) {
        String body = SpecExamples.text(example)
                .replaceAll("https://[a-z.\\-]+/[A-Za-z0-9/._\\-]*", sink.url(sinkPath));
        return trigger(body);
    }

    int trigger(String body) {
        int id = api().body(body).post("/api/event-triggers").then().statusCode(201).extract().path("id");
        triggers.add(id);
        return id;
    }

    void user(String id, String... roles) {
        api().body(Map.of("id", id, "name", "User " + id, "roles", List.of(roles))).post("/api/users").then().statusCode(200);
    }

    void record(String type, String json) {
        api().body(json).post("/api/records/" + type).then().statusCode(201);
    }

    JsonPath executions(int trigger) {
        return api().get("/api/event-triggers/" + trigger + "/executions").then().statusCode(200).extract().jsonPath();
    }

    /** Waits until the trigger has {@code n} executions, all finished, and returns the newest, with its steps. */
    JsonPath awaitFinished(int trigger, int n) {
        await().atMost(DEADLINE).until(() -> {
            List<String> statuses = executions(trigger).getList("data.status");
            return statuses.size() == n && statuses.stream().noneMatch(s -> List.of("pending", "scheduled", "running", "retrying").contains(s));
        });
        long id = executions(trigger).getLong("data[0].id");
        return api().get("/api/executions/" + id).then().statusCode(200).extract().jsonPath();
    }

    JsonPath recordOf(String type, String id) {
        return api().get("/api/records/" + type + "/" + id).then().statusCode(200).extract().jsonPath();
    }

    @Test
    void newContactWelcomeSequenceSkipsEmailAndCreatesTheFollowUpTask() {
        int trigger = trigger(SpecExamples.text("01-new-contact-welcome"));
        String contact = "nc-" + uid();
        user("rep-" + uid());
        record("contacts", "{\"id\": \"" + contact + "\", \"first_name\": \"Ada\", \"email\": \"ada@example.com\", \"source\": \"website_form\"}");
        record("contacts", "{\"id\": \"" + contact + "-x\", \"source\": \"import\"}");

        JsonPath execution = awaitFinished(trigger, 1);
        assertEquals("completed", execution.getString("status"));
        assertEquals(contact, execution.getString("entity_id"));
        assertEquals(List.of("send_email", "create_task"), execution.getList("steps.action_type"));
        assertEquals(List.of("skipped", "completed"), execution.getList("steps.status"));
        assertNotNull(execution.getString("started_at"));
        assertNotNull(execution.getString("completed_at"));
        String task = execution.getString("steps[1].output.task_id");
        JsonPath created = recordOf("tasks", task);
        assertEquals("Follow up with new contact", created.getString("title"));
        assertEquals(contact, created.getString("related_id"));
        assertNotNull(created.getString("assigned_to"), "'auto' assigns someone");
        assertEquals(OffsetDateTime.now().toLocalDate().plusDays(1).toString(), created.getString("due_date"));
    }

    @Test
    void dealNegotiationAlertFiresOnceWhenTheStageChangesToNegotiation() {
        int trigger = trigger("02-deal-negotiation-alert", "/slack/" + uid());
        String manager = "mgr-" + uid();
        api().delete("/api/users/" + manager);
        String deal = "d-" + uid();
        user(manager, "sales_manager_" + deal);
        String body = SpecExamples.text("02-deal-negotiation-alert")
                .replace("\"sales_manager\"", "\"sales_manager_" + deal + "\"")
                .replaceAll("https://[a-z.\\-]+/[A-Za-z0-9/._\\-]*", sink.url("/slack/" + deal));
        api().delete("/api/event-triggers/" + trigger);
        trigger = trigger(body);

        record("deals", "{\"id\": \"" + deal + "\", \"name\": \"Big \\\"Quoted\\\" Deal\\n\", \"stage\": \"proposal\", \"value\": 60000}");
        api().body("{\"stage\": \"negotiation\"}").patch("/api/records/deals/" + deal).then().statusCode(200);
        JsonPath execution = awaitFinished(trigger, 1);
        assertEquals("completed", execution.getString("status"));

        List<WebhookSink.Received> calls = sink.at("/slack/" + deal);
        assertEquals(1, calls.size());
        WebhookSink.Received call = calls.get(0);
        assertEquals("POST", call.method());
        assertEquals("Bearer test-slack-token-456", call.headers().get("authorization"));
        assertEquals(execution.getLong("id") + "-0", call.headers().get("idempotency-key"));
        Map<?, ?> sent = readJson(call.body());
        assertEquals("#sales-alerts", sent.get("channel"));
        assertEquals("High-value deal Big \"Quoted\" Deal\n entered negotiation phase!", sent.get("text"));
        assertEquals(200, execution.getInt("steps[0].output.status"));
        assertEquals("***", execution.getString("steps[0].request.headers.Authorization"));
        assertFalse(execution.prettyPrint().contains("test-slack-token-456"), "no secret in the execution record");
        assertEquals(manager, recordOf("deals", deal).getString("assigned_to"));

        // later updates while in negotiation do not fire again
        api().body("{\"value\": 70000}").patch("/api/records/deals/" + deal).then().statusCode(200);
        api().body("{\"stage\": \"negotiation\", \"note\": \"x\"}").patch("/api/records/deals/" + deal).then().statusCode(200);
        String probe = "d-" + uid();
        record("deals", "{\"id\": \"" + probe + "\", \"stage\": \"proposal\", \"value\": 90000}");
        api().body("{\"stage\": \"negotiation\"}").patch("/api/records/deals/" + probe).then().statusCode(200);
        int finalTrigger = trigger;
        await().atMost(DEADLINE).until(() -> executions(finalTrigger).getList("data").size() == 2);
        assertEquals(List.of(probe, deal), executions(trigger).getList("data.entity_id"));
    }

    @Test
    void leadQualificationWaitsItsDelayThenRunsEveryActionInOrder() {
        String rep = "rep-" + uid();
        user(rep, "senior_sales_rep");
        int trigger = trigger("05-lead-qualification", "/unused");
        String company = "co-" + uid();
        record("companies", "{\"id\": \"" + company + "\", \"name\": \"Initech\", \"employee_count\": 120}");
        String contact = "lq-" + uid();
        record("contacts", "{\"id\": \"" + contact + "\", \"full_name\": \"Ada Lovelace\", \"engagement_score\": 3, \"company_id\": \""
                + company + "\", \"tags\": [\"prospect\"]}");
        api().body("{\"engagement_score\": 9}").patch("/api/records/contacts/" + contact).then().statusCode(200);

        await().atMost(DEADLINE).until(() -> executions(trigger).getList("data").size() == 1);
        JsonPath scheduled = executions(trigger);
        assertEquals("scheduled", scheduled.getString("data[0].status"));
        OffsetDateTime due = OffsetDateTime.parse(scheduled.getString("data[0].next_attempt_at"));
        assertTrue(due.isAfter(OffsetDateTime.now().plusMinutes(4)) && due.isBefore(OffsetDateTime.now().plusMinutes(6)), due.toString());

        // the five minutes pass
        pool.preparedQuery("update trigger_executions set next_attempt_at = now() where id = $1")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(scheduled.getLong("data[0].id"))).await().indefinitely();
        JsonPath execution = awaitFinished(trigger, 1);
        assertEquals("completed", execution.getString("status"));
        assertEquals(List.of("completed", "completed", "completed", "skipped", "completed"), execution.getList("steps.status"));
        JsonPath lead = recordOf("contacts", contact);
        assertEquals("qualified", lead.getString("status"));
        assertEquals(List.of("prospect", "hot-lead"), lead.getList("tags"));
        assertTrue(List.of(rep).contains(lead.getString("assigned_to")) || lead.getString("assigned_to") != null);
        JsonPath task = recordOf("tasks", execution.getString("steps[4].output.task_id"));
        assertEquals("Contact qualified lead Ada Lovelace", task.getString("title"));
        assertEquals("high", task.getString("priority"));
        // a later score change above the threshold does not qualify again
        api().body("{\"engagement_score\": 10}").patch("/api/records/contacts/" + contact).then().statusCode(200);
        record("contacts", "{\"id\": \"" + contact + "-probe\", \"engagement_score\": 1, \"company_id\": \"" + company + "\"}");
        api().body("{\"engagement_score\": 8}").patch("/api/records/contacts/" + contact + "-probe").then().statusCode(200);
        await().atMost(DEADLINE).until(() -> executions(trigger).getList("data").size() == 2);
        assertEquals(List.of(contact + "-probe", contact), executions(trigger).getList("data.entity_id"));
    }

    @Test
    void aDelayedExecutionRendersTheRecordAsItIsWhenTheDelayEnds() {
        String type = "Delayed" + uid().replace("-", "");
        String path = "/delayed/" + type;
        int trigger = trigger("""
                {"name": "delayed", "trigger_type": "model_created", "model_type": "%s", "delay_minutes": 10,
                 "action_configuration": {"actions": [{"type": "webhook", "url": "%s",
                     "body": {"name": "{{entity.name}}"}}]}}""".formatted(type, sink.url(path)));
        record(type, "{\"id\": \"1\", \"name\": \"first\"}");
        record(type, "{\"id\": \"2\", \"name\": \"second\"}");
        await().atMost(DEADLINE).until(() -> executions(trigger).getList("data").size() == 2);
        api().body("{\"name\": \"renamed\"}").patch("/api/records/" + type + "/1").then().statusCode(200);
        // the ten minutes pass for both (claimed together: their records are read in one query)
        pool.preparedQuery("""
                        with due as (update trigger_executions set next_attempt_at = now() where trigger_id = $1 returning event_id)
                        update events set created_at = created_at - interval '10 minutes' where id in (select event_id from due)""")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(trigger)).await().indefinitely();
        await().atMost(DEADLINE).until(() -> sink.at(path).size() == 2);
        List<Object> names = sink.at(path).stream().map(r -> readJson(r.body()).get("name")).sorted().map(Object.class::cast).toList();
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
        record(type, "{\"id\": \"ahead\", \"name\": \"first\"}");
        record(type, "{\"id\": \"behind\", \"name\": \"first\"}");
        record(type, "{\"id\": \"unchanged\", \"name\": \"as created\"}");
        await().atMost(DEADLINE).until(() -> executions(trigger).getList("data").size() == 3);
        api().body("{\"name\": \"renamed\"}").patch("/api/records/" + type + "/ahead").then().statusCode(200);
        api().body("{\"name\": \"renamed\"}").patch("/api/records/" + type + "/behind").then().statusCode(200);
        // the delay ends; the events read as a database clock an hour ahead of this JVM's (or behind it) wrote them
        pool.preparedQuery("""
                        with due as (update trigger_executions set next_attempt_at = now() where trigger_id = $1
                                     returning event_id, entity_id)
                        update events e set created_at = now() + case when due.entity_id = 'ahead' then interval '1 hour'
                                                                      else interval '-1 hour' end
                        from due where e.id = due.event_id""")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(trigger)).await().indefinitely();
        await().atMost(DEADLINE).until(() -> sink.at(path).size() == 3);
        Map<Object, Object> names = new java.util.TreeMap<>();
        sink.at(path).forEach(r -> names.put(readJson(r.body()).get("id"), readJson(r.body()).get("name")));
        assertEquals(Map.of("ahead", "renamed", "behind", "renamed", "unchanged", "as created"), names);
    }

    @Test
    void aDelayedRestEventRendersTheRecordAsTheStoreHoldsIt() {
        String type = "Sent" + uid().replace("-", "");
        String path = "/sent/" + type;
        record(type, "{\"id\": \"1\", \"name\": \"in the store\"}");
        int trigger = trigger("""
                {"name": "sent", "trigger_type": "model_created", "model_type": "%s", "delay_minutes": 10,
                 "action_configuration": {"actions": [{"type": "webhook", "url": "%s",
                     "body": {"name": "{{entity.name}}"}}]}}""".formatted(type, sink.url(path)));
        api().body("{\"event\": \"created\", \"entity_type\": \"" + type + "\", \"entity_id\": \"1\", \"record\": {\"name\": \"as sent\"}}")
                .post("/api/events").then().statusCode(202);
        await().atMost(DEADLINE).until(() -> executions(trigger).getList("data").size() == 1);
        // the ten minutes pass: by the database's own clock, the event is no longer the latest word
        pool.preparedQuery("""
                        with due as (update trigger_executions set next_attempt_at = now() where trigger_id = $1 returning event_id)
                        update events set created_at = created_at - interval '10 minutes' where id in (select event_id from due)""")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(trigger)).await().indefinitely();
        await().atMost(DEADLINE).until(() -> sink.at(path).size() == 1);
        assertEquals("in the store", readJson(sink.at(path).get(0).body()).get("name"));
    }

    @Test
    void customerOnboardingRendersRelatedRecordsIntoTheBillingWebhook() {
        String path = "/billing/" + uid();
        int trigger = trigger("07-customer-onboarding-sequence", path);
        String csm = "csm-" + uid();
        user(csm, "customer_success_team");
        String contact = "oc-" + uid();
        record("contacts", "{\"id\": \"" + contact + "\", \"name\": \"Grace Hopper\"}");
        String deal = "od-" + uid();
        record("deals", "{\"id\": \"" + deal + "\", \"stage\": \"negotiation\", \"contact_id\": \"" + contact
                + "\", \"plan_type\": \"enterprise\", \"value\": 120000}");
        api().body("{\"stage\": \"won\"}").patch("/api/records/deals/" + deal).then().statusCode(200);

        JsonPath execution = awaitFinished(trigger, 1);
        assertEquals("completed", execution.getString("status"));
        assertEquals(List.of("skipped", "completed", "skipped", "completed"), execution.getList("steps.status"));
        JsonPath task = recordOf("tasks", execution.getString("steps[1].output.task_id"));
        assertEquals("Contact Grace Hopper to schedule onboarding", task.getString("description"));
        WebhookSink.Received call = sink.at(path).get(0);
        assertEquals("Bearer test-billing-key-789", call.headers().get("authorization"));
        assertEquals(Map.of("contact_id", contact, "plan", "enterprise", "value", "120000"), readJson(call.body()));
    }

    @Test
    void eventChainTagAdditionFiresTheSecondTriggerOnce() {
        String manager = "sam-" + uid();
        user(manager, "senior_account_manager");
        int engagement = trigger(SpecExamples.text("08-high-engagement-detection"));
        int tagged = trigger(SpecExamples.text("09-highly-engaged-contact-actions"));
        String contact = "ec-" + uid();
        record("contacts", "{\"id\": \"" + contact + "\", \"engagement_score\": 2}");
        api().body("{\"engagement_score\": 9}").patch("/api/records/contacts/" + contact).then().statusCode(200);

        JsonPath first = awaitFinished(engagement, 1);
        assertEquals(List.of("completed", "skipped"), first.getList("steps.status"));
        JsonPath second = awaitFinished(tagged, 1);
        assertEquals("completed", second.getString("status"));
        assertEquals(contact, second.getString("entity_id"));
        JsonPath event = api().get("/api/events/" + second.getLong("event_id")).then().statusCode(200).extract().jsonPath();
        assertEquals(1, event.getInt("chain_depth"));
        assertEquals(engagement, event.getInt("origin_trigger_id"));
        JsonPath after = recordOf("contacts", contact);
        assertTrue(after.getList("tags").contains("highly-engaged"));
        assertEquals(manager, after.getString("assigned_to"));
    }

    @Test
    void chainsAreCutAtTheMaximumDepthWithTheReasonRecorded() {
        String type = "loop" + uid().replace("-", "");
        String ping = """
                {"name": "%s", "trigger_type": "model_updated", "model_type": "%s",
                 "action_configuration": {"actions": [{"type": "update_field", "field": "%s",
                   "variable_mappings": {"%s": {"source": "computed", "computation": "uuid"}}}]}}""";
        int a = trigger(ping.formatted("ping", type, "a", "a"));
        int b = trigger(ping.formatted("pong", type, "b", "b"));
        record(type, "{\"id\": \"1\", \"a\": \"\", \"b\": \"\"}");
        api().body("{\"start\": true}").patch("/api/records/" + type + "/1").then().statusCode(200);
        await().atMost(DEADLINE).until(() -> executions(a).getList("data.status").contains("skipped")
                || executions(b).getList("data.status").contains("skipped"));
        List<String> errors = new ArrayList<>();
        errors.addAll(executions(a).getList("data.error"));
        errors.addAll(executions(b).getList("data.error"));
        assertTrue(errors.stream().anyMatch(e -> e != null && e.contains("chain depth 6 exceeds")), errors.toString());
    }

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
        api().body("{\"event\": \"created\", \"entity_type\": \"" + type + "\", \"entity_id\": 1, \"record\": {\"score\": 90}}")
                .post("/api/events").then().statusCode(202).body("accepted", equalTo(1));
        api().body("[{\"event\": \"created\", \"entity_type\": \"" + type + "\", \"entity_id\": 2, \"record\": {\"score\": 95}},"
                        + " {\"event\": \"created\", \"entity_type\": \"" + type + "\", \"entity_id\": 3, \"record\": {\"score\": 10}},"
                        + " {\"event\": \"created\", \"entity_type\": \"" + type + "\", \"entity_id\": 4, \"record\": {\"score\": \"99\"}}]")
                .post("/api/events").then().statusCode(202).body("accepted", equalTo(3));
        await().atMost(DEADLINE).until(() -> sink.at(path).size() == 3);
        JsonPath execution = awaitFinished(trigger, 3);
        assertEquals("completed", execution.getString("status"));
        assertEquals(List.of("entity.nope"), execution.getList("steps[0].output.missing_values"));
        List<Object> sentIds = sink.at(path).stream().map(r -> readJson(r.body()).get("entity_id")).sorted().map(Object.class::cast).toList();
        assertEquals(List.of("1", "2", "4"), sentIds);
        assertEquals(type.toLowerCase() + ".created", readJson(sink.at(path).get(0).body()).get("trigger_event"));
        assertEquals("", readJson(sink.at(path).get(0).body()).get("missing"));
    }

    @Test
    void intakeGivesBackTheRunnerRoomItReservedForEventsThatCreateNothing() {
        // every POST reserves runner slots for its events before storing them; a replay runs nothing and
        // must give them back: 20 replays of 100 events would otherwise hold 2,000 slots of the 256
        String type = "Room" + uid().replace("-", "");
        String path = "/room/" + type;
        int trigger = entityIdWebhook(type, path);
        String events = events(type, 0, 100, true);
        for (int i = 0; i < 21; i++) {
            api().body(events).post("/api/events").then().statusCode(202).body("accepted", org.hamcrest.Matchers.equalTo(100));
        }
        api().body("{\"event\": \"created\", \"entity_type\": \"" + type + "\", \"entity_id\": \"late\", \"record\": {}}")
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
        String event = "{\"event_id\": \"crm-evt-" + type + "\", \"event\": \"created\", \"entity_type\": \"" + type
                + "\", \"entity_id\": 7, \"record\": {\"x\": 1}}";
        long first = api().body(event).post("/api/events").then().statusCode(202).extract().jsonPath().getLong("event_ids[0]");
        long again = api().body(event).post("/api/events").then().statusCode(202).extract().jsonPath().getLong("event_ids[0]");
        long batch = api().body("[" + event + ", " + event + "]").post("/api/events").then().statusCode(202)
                .extract().jsonPath().getLong("event_ids[1]");
        assertEquals(first, again);
        assertEquals(first, batch);
        awaitFinished(trigger, 1);
        assertEquals(1, sink.at("/replay/" + type).size());
    }

    @Test
    void sqlCapturedChangesFireTriggers() {
        String table = "crm_contacts_" + uid().replace("-", "");
        String path = "/captured/" + table;
        pool.query("create table " + table + " (id serial primary key, email text, source text, stage text)").execute().await().indefinitely();
        api().body("{\"table\": \"" + table + "\", \"model_type\": \"App\\\\Models\\\\Prospect\"}").post("/api/capture")
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
        assertEquals(Map.of("email", "a@example.com"), readJson(sink.at(path).get(0).body()));
        // installed by hand in SQL, with the model type written as a class name
        String other = table + "_sql";
        pool.query("create table " + other + " (id text primary key, email text, source text)").execute().await().indefinitely();
        pool.query("create trigger triggerfish_capture after insert or update or delete on " + other
                + " for each row execute function triggerfish_capture('Prospect', 'id')").execute().await().indefinitely();
        pool.query("insert into " + other + " values ('p-1', 'c@example.com', 'website_form')").execute().await().indefinitely();
        awaitFinished(created, 2);
        assertEquals("p-1", executions(created).getString("data[0].entity_id"));
        assertEquals(1, sink.at("/won/" + table).size());
        api().body("{\"table\": \"no_such_table\", \"model_type\": \"X\"}").post("/api/capture")
                .then().statusCode(422).body("errors[0].path", equalTo("table"));
        api().delete("/api/capture/" + table).then().statusCode(204);
        api().get("/api/capture").then().body("table", org.hamcrest.Matchers.not(hasItem(table)));
    }

    @Test
    void manualExecutionRunsNowAndShowsInTheHistory() {
        String path = "/manual/" + uid();
        int trigger = trigger("""
                {"name": "manual", "trigger_type": "manual", "model_type": "Contact",
                 "action_configuration": {"actions": [{"type": "webhook", "url": "%s",
                    "body": {"who": "{{entity.first_name}}", "why": "{{context.reason}}"}}]}}""".formatted(sink.url(path)));
        String contact = "m-" + uid();
        record("contacts", "{\"id\": \"" + contact + "\", \"first_name\": \"Alan\"}");
        long execution = api().body("{\"entity_type\": \"Contact\", \"entity_id\": \"" + contact + "\", \"context\": {\"reason\": \"demo\"}}")
                .post("/api/event-triggers/" + trigger + "/execute")
                .then().statusCode(202).header("Location", containsString("/api/executions/"))
                .extract().jsonPath().getLong("execution_id");
        await().atMost(DEADLINE).until(() -> "completed".equals(api().get("/api/executions/" + execution).jsonPath().getString("status")));
        assertEquals(Map.of("who", "Alan", "why", "demo"), readJson(sink.at(path).get(0).body()));
        api().queryParam("status", "completed").queryParam("limit", 50).get("/api/event-triggers/" + trigger + "/executions")
                .then().statusCode(200).body("data.id", hasItem((int) execution));
        api().queryParam("status", "failed").get("/api/event-triggers/" + trigger + "/executions")
                .then().statusCode(200).body("data.size()", equalTo(0));
        api().post("/api/event-triggers/99999999/execute").then().statusCode(404);
        api().queryParam("status", "done").get("/api/event-triggers/" + trigger + "/executions").then().statusCode(400);
    }

    @Test
    void aWebhookAnsweringNon2xxFailsTheExecutionAndStopsTheChain() {
        String path = "/fail/" + uid();
        sink.answer(path, 404);
        String type = "Fail" + uid().replace("-", "");
        int trigger = trigger("""
                {"name": "fails", "trigger_type": "model_created", "model_type": "%s", "allow_retries": false,
                 "action_configuration": {"actions": [{"type": "webhook", "url": "%s"}, {"type": "add_tag", "tag": "never"}]}}"""
                .formatted(type, sink.url(path)));
        record(type, "{\"id\": \"1\"}");
        JsonPath execution = awaitFinished(trigger, 1);
        assertEquals("failed", execution.getString("status"));
        assertEquals(1, execution.getList("steps").size());
        assertEquals(404, execution.getInt("steps[0].output.status"));
        assertTrue(execution.getString("error").contains("HTTP 404"));
        assertFalse(recordOf(type, "1").getList("tags").contains("never"));
    }

    @Test
    void cutDatabaseConnectionsAreReopenedAndNoEventIsLost() {
        String type = "Cut" + uid().replace("-", "");
        String path = "/cut/" + type;
        int trigger = entityIdWebhook(type, path);
        // every connection of the service, the LISTEN one included, is cut
        pool.query("select pg_terminate_backend(pid) from pg_stat_activity where pid <> pg_backend_pid() and backend_type = 'client backend'")
                .execute().await().indefinitely();
        await().atMost(DEADLINE).ignoreExceptions().until(() -> api().body("{\"id\": \"1\"}").post("/api/records/" + type).statusCode() == 201);
        // an event written straight into the table (no NOTIFY from this writer) is found by polling
        pool.query("insert into events (kind, entity_type, entity_id, new_state, source) values ('created', '" + type.toLowerCase()
                + "', '2', '{}'::jsonb, 'test')").execute().await().indefinitely();
        await().atMost(DEADLINE).until(() -> sink.at(path).size() == 2);
        awaitFinished(trigger, 2);
        assertEquals(List.of("1", "2"), sink.at(path).stream().map(r -> readJson(r.body()).get("id")).sorted().toList());
    }

    int webhookTrigger(String type, String path, String retries) {
        return trigger("""
                {"name": "retries", "trigger_type": "model_created", "model_type": "%s", %s
                 "action_configuration": {"actions": [{"type": "add_tag", "tag": "before"},
                                                      {"type": "webhook", "url": "%s"}, {"type": "add_tag", "tag": "after"}]}}"""
                .formatted(type, retries, sink.url(path)));
    }

    @Test
    void transientFailuresAreRetriedDurablyFromTheFailedStepWithTheSameIdempotencyKey() {
        String type = "Retry" + uid().replace("-", "");
        String path = "/retry/" + type;
        // each attempt calls twice (one quick in-process retry in the test profile): 4 failures, then success
        sink.failFirst(path, 4, 503, null);
        int trigger = webhookTrigger(type, path, "\"max_retries\": 3, \"retry_configuration\": {\"delay_minutes\": 0},");
        record(type, "{\"id\": \"1\"}");
        JsonPath execution = awaitFinished(trigger, 1);
        assertEquals("completed", execution.getString("status"));
        assertEquals(3, execution.getInt("attempt"));
        List<WebhookSink.Received> calls = sink.at(path);
        assertEquals(5, calls.size());
        assertEquals(1, calls.stream().map(c -> c.headers().get("idempotency-key")).distinct().count(), "one key for every attempt");
        // the completed first step did not run again; the last one ran once
        assertEquals(List.of("before", "after"), recordOf(type, "1").getList("tags"));
        assertEquals(3, execution.getInt("steps[1].attempt"));
    }

    @Test
    void aTargetThatKeepsFailingOpensItsCircuitAndIsNotHammered() {
        try (WebhookSink down = new WebhookSink()) {
            String type = "Down" + uid().replace("-", "");
            down.answer("/down", 503);
            int trigger = trigger("""
                    {"name": "down", "trigger_type": "model_created", "model_type": "%s", "allow_retries": false,
                     "action_configuration": {"actions": [{"type": "webhook", "url": "%s"}]}}""".formatted(type, down.url("/down")));
            for (int i = 0; i < 4; i++) {
                api().body(events(type, i * 5, i * 5 + 5)).post("/api/events").then().statusCode(202);
                int done = (i + 1) * 5;
                awaitFinished(trigger, done);
            }
            List<String> errors = executions(trigger).getList("data.error");
            assertTrue(errors.stream().anyMatch(e -> e.contains("circuit")), errors.toString());
            // 20 executions with a quick retry each would be 40 calls; the open circuit spared most of them
            assertTrue(down.at("/down").size() < 30, down.at("/down").size() + " calls");
        }
    }

    @Test
    void aTargetThatIsDownOrTimesOutIsRetriedThenTheExecutionIsADeadLetter() throws Exception {
        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            closed = socket.getLocalPort(); // nothing listens there once closed
        }
        String slow = "/timeout/" + uid();
        sink.slow(slow, 3_000);
        String type = "Unreachable" + uid().replace("-", "");
        int trigger = trigger("""
                {"name": "unreachable", "trigger_type": "model_created", "model_type": "%s", "max_retries": 1,
                 "retry_configuration": {"delay_minutes": 0},
                 "action_configuration": {"actions": [{"type": "webhook", "url": "%s", "timeout_seconds": 1}]}}"""
                .formatted(type, "http://127.0.0.1:" + closed + "/down"));
        int timingOut = trigger("""
                {"name": "timing out", "trigger_type": "model_created", "model_type": "%s", "max_retries": 1,
                 "retry_configuration": {"delay_minutes": 0},
                 "action_configuration": {"actions": [{"type": "webhook", "url": "%s", "timeout_seconds": 1}]}}"""
                .formatted(type + "Slow", sink.url(slow)));
        record(type, "{\"id\": \"1\"}");
        record(type + "Slow", "{\"id\": \"1\"}");

        for (int t : List.of(trigger, timingOut)) {
            JsonPath execution = awaitFinished(t, 1);
            assertEquals("failed", execution.getString("status"));
            assertEquals(2, execution.getInt("attempt"), "retried once, durably, then given up");
            assertTrue(execution.getBoolean("steps[0].output.retryable"), execution.prettify());
            assertEquals(1, api().queryParam("status", "failed").get("/api/event-triggers/" + t + "/executions").then().statusCode(200)
                    .extract().jsonPath().getList("data").size(), "listed as a dead letter");
        }
        String refused = awaitFinished(trigger, 1).getString("steps[0].error");
        assertTrue(refused.toLowerCase().contains("refused"), refused);
        String timeout = awaitFinished(timingOut, 1).getString("steps[0].error");
        assertTrue(timeout.contains("no answer within 1000 ms"), timeout);
        // each attempt reached the slow target (an in-process retry may add a call per attempt)
        assertTrue(sink.at(slow).size() >= 2, sink.at(slow).size() + " calls");
    }

    @Test
    void clientErrorsAreNotRetriedAndFailedExecutionsCanBeReplayed() {
        String type = "Dead" + uid().replace("-", "");
        String path = "/dead/" + type;
        sink.failFirst(path, 2, 404, null);
        int trigger = webhookTrigger(type, path, "\"max_retries\": 5, \"retry_configuration\": {\"delay_minutes\": 0},");
        record(type, "{\"id\": \"1\"}");
        record(type, "{\"id\": \"2\"}");
        awaitFinished(trigger, 2);
        assertEquals(List.of("failed", "failed"), executions(trigger).getList("data.status"));
        assertEquals(List.of(1, 1), executions(trigger).getList("data.attempt"));
        long one = executions(trigger).getLong("data[1].id");

        api().post("/api/executions/" + one + "/retry").then().statusCode(202).body("replayed", equalTo(true));
        await().atMost(DEADLINE).until(() -> "completed".equals(api().get("/api/executions/" + one).jsonPath().getString("status")));
        api().post("/api/executions/" + one + "/retry").then().statusCode(202).body("replayed", equalTo(false))
                .body("status", equalTo("completed"));
        api().body("{\"from\": \"2020-01-01T00:00:00Z\"}").post("/api/event-triggers/" + trigger + "/executions/retry")
                .then().statusCode(200).body("replayed", equalTo(1));
        awaitFinished(trigger, 2);
        assertEquals(List.of("completed", "completed"), executions(trigger).getList("data.status"));
        api().post("/api/event-triggers/" + trigger + "/executions/retry").then().statusCode(200).body("replayed", equalTo(0));
        assertEquals(List.of("before", "after"), recordOf(type, "1").getList("tags"));
        api().post("/api/executions/99999999/retry").then().statusCode(404);
    }

    @Test
    void retryAfterIsHonoured() {
        String type = "Later" + uid().replace("-", "");
        String path = "/later/" + type;
        sink.failFirst(path, 1, 429, "2");
        int trigger = webhookTrigger(type, path, "\"retry_configuration\": {\"delay_minutes\": 0},");
        record(type, "{\"id\": \"1\"}");
        JsonPath execution = awaitFinished(trigger, 1);
        assertEquals("completed", execution.getString("status"));
        List<WebhookSink.Received> calls = sink.at(path);
        assertEquals(2, calls.size());
        assertTrue(calls.get(1).atNanos() - calls.get(0).atNanos() >= 1_900_000_000L, "waited for Retry-After: 2");
    }

    int limitedTrigger(String type, String rateLimiting) {
        return trigger("""
                {"name": "limited", "trigger_type": "model_created", "model_type": "%s", "rate_limiting": %s,
                 "action_configuration": {"actions": [{"type": "webhook", "url": "%s"}]}}"""
                .formatted(type, rateLimiting, sink.url("/limited/" + type)));
    }

    String events(String type, int from, int to) {
        return events(type, from, to, false);
    }

    /** A batch of created events for entities {@code from} to {@code to - 1}; with {@code ids}, each carries an event_id. */
    String events(String type, int from, int to, boolean ids) {
        StringBuilder batch = new StringBuilder("[");
        for (int i = from; i < to; i++) {
            batch.append(i == from ? "" : ",").append("{");
            if (ids) {
                batch.append("\"event_id\": \"").append(type).append('-').append(i).append("\", ");
            }
            batch.append("\"event\": \"created\", \"entity_type\": \"").append(type)
                    .append("\", \"entity_id\": ").append(i).append(", \"record\": {}}");
        }
        return batch.append("]").toString();
    }

    /** A webhook trigger on created {@code type} records that posts {"id": entity id} to the sink's {@code path}. */
    int entityIdWebhook(String type, String path) {
        return trigger("""
                {"name": "entity id webhook", "trigger_type": "model_created", "model_type": "%s",
                 "action_configuration": {"actions": [{"type": "webhook", "url": "%s", "body": {"id": "{{entity_id}}"}}]}}"""
                .formatted(type, sink.url(path)));
    }

    @Test
    void executionsOverTheRateLimitAreRecordedWithTheWindowTheyHit() {
        String type = "Limited" + uid().replace("-", "");
        int trigger = limitedTrigger(type, "{\"limit\": 2, \"period\": \"hour\"}");
        api().body(events(type, 0, 5)).post("/api/events").then().statusCode(202);
        awaitFinished(trigger, 5);
        List<String> statuses = executions(trigger).getList("data.status");
        assertEquals(2, statuses.stream().filter("completed"::equals).count(), statuses.toString());
        assertEquals(3, statuses.stream().filter("rate_limited"::equals).count(), statuses.toString());
        JsonPath limited = executions(trigger);
        int index = limited.getList("data.status").indexOf("rate_limited");
        assertTrue(limited.getString("data[" + index + "].rate_limited_window").startsWith("sliding hour from "));
        assertTrue(limited.getString("data[" + index + "].error").startsWith("rate limit reached"));
        assertEquals(2, sink.at("/limited/" + type).size());
        // through the record store (the claim path) the same window applies
        record(type, "{\"id\": \"r1\"}");
        awaitFinished(trigger, 6);
        assertEquals("rate_limited", executions(trigger).getString("data[0].status"));
    }

    @Test
    void burstLimitAndDeferral() {
        String type = "Burst" + uid().replace("-", "");
        int burst = limitedTrigger(type, "{\"limit\": 10, \"period\": \"hour\", \"burst_limit\": 3}");
        api().body(events(type, 0, 5)).post("/api/events").then().statusCode(202);
        awaitFinished(burst, 5);
        assertEquals(3, executions(burst).getList("data.status").stream().filter("completed"::equals).count());

        String deferredType = "Defer" + uid().replace("-", "");
        int deferred = limitedTrigger(deferredType, "{\"limit\": 1, \"period\": \"day\", \"reset_strategy\": \"fixed\", \"on_limit\": \"defer\"}");
        api().body(events(deferredType, 0, 3)).post("/api/events").then().statusCode(202);
        await().atMost(DEADLINE).until(() -> executions(deferred).getList("data.status").stream().filter("scheduled"::equals).count() == 2
                && executions(deferred).getList("data.status").contains("completed"));
        String tomorrow = OffsetDateTime.now(java.time.ZoneOffset.UTC).toLocalDate().plusDays(1) + "T00:00Z";
        JsonPath list = executions(deferred);
        int index = list.getList("data.status").indexOf("scheduled");
        assertEquals(OffsetDateTime.parse(tomorrow).toInstant(), OffsetDateTime.parse(list.getString("data[" + index + "].next_attempt_at")).toInstant());
    }

    /** Sixteen single-event POSTs for {@code type}, eight at a time, each accepted. */
    private void sixteenEventsAtOnce(String type) throws Exception {
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                int n = i;
                calls.add(threads.submit(() -> api().body(events(type, n, n + 1)).post("/api/events").statusCode()));
            }
            for (java.util.concurrent.Future<Integer> call : calls) {
                assertEquals(202, call.get());
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void theRateLimitIsExactUnderConcurrentIntake() throws Exception {
        String type = "Exact" + uid().replace("-", "");
        int trigger = limitedTrigger(type, "{\"limit\": 4, \"period\": \"minute\"}");
        sixteenEventsAtOnce(type);
        awaitFinished(trigger, 16);
        assertEquals(4, executions(trigger).getList("data.status").stream().filter("completed"::equals).count());
        assertEquals(4, sink.at("/limited/" + type).size());
    }

    @Test
    void theCountIsExactUnderConcurrentIntakeWhenTheBurstBucketIsLarger() throws Exception {
        // burst 100 > limit 4: the window's count alone must hold the other 12 back, however the admissions interleave
        String type = "Counted" + uid().replace("-", "");
        int trigger = limitedTrigger(type, "{\"limit\": 4, \"period\": \"minute\", \"burst_limit\": 100}");
        sixteenEventsAtOnce(type);
        awaitFinished(trigger, 16);
        assertEquals(4, executions(trigger).getList("data.status").stream().filter("completed"::equals).count());
        assertEquals(4, sink.at("/limited/" + type).size());
    }

    @Test
    void theLimitHoldsForTheWindowWhenItsExecutionsAreDeleted() {
        String type = "Purged" + uid().replace("-", "");
        // a burst bucket larger than the limit: the count alone holds the third execution back
        int trigger = limitedTrigger(type, "{\"limit\": 2, \"period\": \"hour\", \"burst_limit\": 10}");
        api().body(events(type, 0, 2)).post("/api/events").then().statusCode(202);
        awaitFinished(trigger, 2);
        assertEquals(List.of("completed", "completed"), executions(trigger).getList("data.status"));
        // the history is pruned: the admissions of the window are counted apart from it
        pool.preparedQuery("with gone as (delete from trigger_executions where trigger_id = $1 returning id)"
                        + " delete from execution_steps where execution_id in (select id from gone)")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of((long) trigger)).await().indefinitely();
        api().body(events(type, 2, 3)).post("/api/events").then().statusCode(202);
        awaitFinished(trigger, 1);
        assertEquals("rate_limited", executions(trigger).getString("data[0].status"));
        assertEquals(2, sink.at("/limited/" + type).size());
    }

    @Test
    void manualRunsAndReplaysCountTowardsTheLimitWithoutPassingThroughIt() {
        String type = "Manual" + uid().replace("-", "");
        int trigger = limitedTrigger(type, "{\"limit\": 2, \"period\": \"hour\"}");
        // a manual run is not limited, but it is one of the window's executions
        api().body(Map.of("entity_id", 1)).post("/api/event-triggers/" + trigger + "/execute").then().statusCode(202);
        awaitFinished(trigger, 1);
        api().body(events(type, 2, 4)).post("/api/events").then().statusCode(202);
        awaitFinished(trigger, 3);
        List<String> statuses = executions(trigger).getList("data.status");
        assertEquals(2, statuses.stream().filter("completed"::equals).count(), statuses.toString());
        assertEquals(1, statuses.stream().filter("rate_limited"::equals).count(), statuses.toString());
        // replaying the rate-limited one runs it, and it then counts too: the window holds 3
        api().body(Map.of()).post("/api/event-triggers/" + trigger + "/executions/retry").then().statusCode(200).body("replayed", equalTo(1));
        await().atMost(DEADLINE).until(() -> executions(trigger).getList("data.status").stream().filter("completed"::equals).count() == 3);
        long counted = pool.preparedQuery("select coalesce(sum(admitted), 0) from rate_limit_buckets where trigger_id = $1")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of((long) trigger)).await().indefinitely().iterator().next().getLong(0);
        assertEquals(3, counted);
    }

    @Test
    void aCancelledExecutionGivesItsPlaceInTheWindowBack() {
        String type = "Freed" + uid().replace("-", "");
        int trigger = limitedTrigger(type, "{\"limit\": 1, \"period\": \"hour\", \"burst_limit\": 10}");
        api().body(events(type, 0, 1)).post("/api/events").then().statusCode(202);
        awaitFinished(trigger, 1);
        // as the runner ends an execution whose trigger was deactivated before it ran
        pool.preparedQuery("update trigger_executions set status = 'cancelled' where trigger_id = $1")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of((long) trigger)).await().indefinitely();
        api().body(events(type, 1, 2)).post("/api/events").then().statusCode(202);
        awaitFinished(trigger, 2);
        assertEquals("completed", executions(trigger).getString("data[0].status"));
        api().body(events(type, 2, 3)).post("/api/events").then().statusCode(202);
        awaitFinished(trigger, 3);
        assertEquals("rate_limited", executions(trigger).getString("data[0].status"));
    }

    @Inject
    ExecutionStore store;

    @Test
    void executionsHeldByAStoppingReplicaAreReleasedForTheOthers() {
        String type = "Release" + uid().replace("-", "");
        int trigger = trigger("""
                {"name": "released", "trigger_type": "manual", "model_type": "%s",
                 "action_configuration": {"actions": [{"type": "webhook", "url": "%s"}]}}""".formatted(type, sink.url("/released/" + type)));
        // a replica that claimed an execution and is shutting down
        long event = pool.preparedQuery("insert into events (kind, entity_type, source, status) values ('manual', $1, 'test', 'dispatched') returning id")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(type.toLowerCase())).await().indefinitely().iterator().next().getLong("id");
        pool.preparedQuery("insert into trigger_executions (trigger_id, trigger_version, event_id, entity_type, status, attempt, claimed_by,"
                        + " lease_until, started_at) values ($1, 0, $2, $3, 'running', 1, 'stopping-replica', now() + interval '1 hour', now())")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of((long) trigger, event, type.toLowerCase())).await().indefinitely();
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
        record(type, "{\"id\": \"1\"}");
        JsonPath execution = awaitFinished(trigger, 1);
        assertEquals("completed", execution.getString("status"));
        assertEquals(1, execution.getInt("attempt"));
        assertEquals(1, sink.at(path).size());
    }

    @Test
    void badEventsAreRejectedWithThePathOfEachField() {
        api().body("[{\"event\": \"created\", \"entity_type\": \"Contact\", \"record\": {}}, {\"event\": \"Created!\", \"entity_type\": \"\"}]")
                .post("/api/events").then().statusCode(422)
                .body("errors.path", equalTo(List.of("[1].event", "[1].entity_type")));
        api().body("{\"event\": \"updated\", \"entity_type\": \"Deal\", \"changes\": {\"stage\": \"won\"}}")
                .post("/api/events").then().statusCode(422).body("errors[0].path", equalTo("changes.stage"));
        api().body("\"text\"").post("/api/events").then().statusCode(400);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> readJson(String text) {
        try {
            return JSON.readValue(text, Map.class);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }
}
