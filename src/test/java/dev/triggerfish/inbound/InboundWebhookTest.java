package dev.triggerfish.inbound;

import com.standardwebhooks.Webhook;
import dev.triggerfish.EndToEnd;
import dev.triggerfish.PostgresResource;
import dev.triggerfish.WebhookSink;
import dev.triggerfish.trigger.SpecExamples;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.triggerfish.Api.api;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Inbound webhooks end to end (issue 11, items 9 to 12): a delivery signed by the Standard Webhooks
 * reference library, sent over HTTP, becomes an event whose payload the spec's "Marketing Qualified
 * Lead" trigger matches, changing the record the source's rule finds; replays, forgeries, resends and
 * reused ids are refused or answered without creating anything, and counted.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class InboundWebhookTest extends EndToEnd {
    @ConfigProperty(name = "triggerfish.secret.inbound_signing")
    String signing;

    @ConfigProperty(name = "triggerfish.secret.inbound_next")
    String next;

    @Inject
    MeterRegistry meters;

    private final List<String> sources = new ArrayList<>();

    @AfterEach
    void deleteSources() {
        sources.forEach(name -> api().delete("/api/webhook-sources/" + name));
        sources.clear();
    }

    /** Creates a source named {@code <prefix>-<uid>} from the JSON fields after its name. */
    private String source(String prefix, String fields) {
        String name = prefix + "-" + uid();
        api().body("{\"name\": \"" + name + "\", " + fields + "}").post("/api/webhook-sources").then().statusCode(201);
        sources.add(name);
        return name;
    }

    /** Sends {@code body} to {@code source}, signed by the reference library with {@code secret} at {@code timestamp}. */
    private static Response deliver(String source, String secret, String id, long timestamp, String body) {
        try {
            String signature = new Webhook(secret).sign(id, timestamp, body);
            return RestAssured.given().contentType("application/json").header("webhook-id", id)
                    .header("webhook-timestamp", Long.toString(timestamp)).header("webhook-signature", signature)
                    .body(body.getBytes(StandardCharsets.UTF_8)).post("/api/webhooks/" + source);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private Response deliver(String source, String id, String body) {
        return deliver(source, signing, id, Instant.now().getEpochSecond(), body);
    }

    private double counted(String name, String source, String tag, String value) {
        Counter counter = meters.find(name).tag("source", source).tag(tag, value).counter();
        return counter == null ? 0 : counter.count();
    }

    private long webhookEvents(String source) {
        return sql("select count(*) from events where source = 'webhook' and context->>'webhook_source' = $1", source)
                .iterator().next().getLong(0);
    }

    @Test
    void marketingQualifiedLeadAsWrittenQualifiesTheContactTheSignedPayloadNames() {
        String source = source("marketing", """
                "secret": "inbound_signing",
                "record": {"model_type": "Contact", "lookup": {"email": "email"}}""");
        String email = "lead-" + uid() + "@example.com";
        String contact = "mql-" + uid();
        record("contacts", "id", contact, "email", email, "status", "lead");
        int mql = trigger(SpecExamples.text("04-marketing-qualified-lead"));
        // the record change the webhook makes is an event like any other: a trigger on it calls a real HTTP target
        trigger("""
                {"name": "tell sales", "trigger_type": "field_changed", "model_type": "Contact",
                 "trigger_conditions": [{"field": "status", "operator": "changed_to", "value": "marketing_qualified"}],
                 "action_configuration": {"actions": [{"type": "webhook", "url": "%s", "body": {"contact": "{{entity_id}}"}}]}}"""
                .formatted(sink.url("/mql/" + contact)));

        String payload = "{\"email\": \"" + email + "\", \"score\": 92, \"source\": \"marketing_automation\"}";
        JsonPath answer = deliver(source, "msg_" + uid(), payload).then().statusCode(202).extract().jsonPath();
        assertEquals(contact, answer.getString("record.id"));
        assertEquals("found", answer.getString("record.how"));
        // 202 only once durable: the event is there, with the payload as its entity
        JsonPath event = api().get("/api/events/" + answer.getLong("event_id")).then().statusCode(200).extract().jsonPath();
        assertEquals("webhook", event.getString("source"));
        assertEquals(92, event.getInt("new_state.score"));
        assertEquals(source, event.getString("context.webhook_source"));

        JsonPath execution = awaitFinished(mql, 1);
        assertEquals(contact, execution.getString("entity_id"));
        assertEquals("completed", execution.getString("steps[0].status"));
        assertEquals("marketing_qualified", recordOf("contacts", contact).getString("status"));
        await().atMost(DEADLINE).until(() -> !sink.at("/mql/" + contact).isEmpty());
        WebhookSink.Received call = sink.at("/mql/" + contact).get(0);
        assertTrue(call.body().contains(contact), call.body());

        // the same lead scored 50 is no marketing qualified lead
        deliver(source, "msg_" + uid(), payload.replace("92", "50")).then().statusCode(202);
        deliver(source, "msg_" + uid(), payload.replace("marketing_automation", "import")).then().statusCode(202);
        await().atMost(DEADLINE).until(() -> sql("select count(*) from events where source = 'webhook' and context->>'webhook_source' = $1"
                + " and status = 'dispatched'", source).iterator().next().getLong(0) == 3);
        assertEquals(1, executions(mql).getList("data").size());
    }

    @Test
    void aResendOfTheSameWebhookIdIsAnsweredAndCreatesNothing() {
        String source = source("resend", "\"secret\": \"inbound_signing\"");
        int trigger = trigger("""
                {"name": "any webhook", "trigger_type": "webhook", "webhook_source": "%s",
                 "action_configuration": {"actions": [{"type": "webhook", "url": "%s"}]}}""".formatted(source, sink.url("/resend/" + source)));
        String id = "msg_" + uid();
        long first = deliver(source, id, "{\"n\": 1}").then().statusCode(202).extract().jsonPath().getLong("event_id");
        double duplicates = counted("triggerfish.webhooks.received", source, "outcome", "duplicate");

        // the sender retries (a new attempt carries a new timestamp, so a new signature)
        JsonPath again = deliver(source, signing, id, Instant.now().getEpochSecond() + 1, "{\"n\": 1}")
                .then().statusCode(200).extract().jsonPath();
        assertEquals(first, again.getLong("event_id"));
        assertTrue(again.getBoolean("duplicate"));
        assertEquals(duplicates + 1, counted("triggerfish.webhooks.received", source, "outcome", "duplicate"));
        awaitFinished(trigger, 1);
        assertEquals(1, webhookEvents(source));
        assertEquals(1, sink.at("/resend/" + source).size());

        // the same id with another payload is no resend: refused, counted, nothing stored
        double reused = counted("triggerfish.webhooks.refused", source, "reason", "reused_id");
        deliver(source, id, "{\"n\": 2}").then().statusCode(409).body("errors[0].path", org.hamcrest.Matchers.equalTo("webhook-id"));
        assertEquals(reused + 1, counted("triggerfish.webhooks.refused", source, "reason", "reused_id"));
        assertEquals(1, webhookEvents(source));
    }

    @Test
    void aReplayedDeliveryOutsideTheToleranceIsRefusedAndCounted() {
        String source = source("replay", "\"secret\": \"inbound_signing\"");
        double stale = counted("triggerfish.webhooks.refused", source, "reason", "stale_timestamp");
        // captured ten minutes ago, signed correctly, sent again now
        long then = Instant.now().minusSeconds(600).getEpochSecond();
        Response answer = deliver(source, signing, "msg_" + uid(), then, "{\"score\": 99}");
        answer.then().statusCode(401).contentType("application/problem+json")
                .body("errors[0].path", org.hamcrest.Matchers.equalTo("webhook-timestamp"));
        assertEquals(stale + 1, counted("triggerfish.webhooks.refused", source, "reason", "stale_timestamp"));
        assertEquals(0, webhookEvents(source));
    }

    @Test
    void aForgedSignatureIsRefusedAndCounted() {
        String source = source("forged", "\"secret\": \"inbound_signing\"");
        double forged = counted("triggerfish.webhooks.refused", source, "reason", "bad_signature");
        String attackers = "whsec_" + java.util.Base64.getEncoder().encodeToString("not the secret of this source!!!".getBytes(StandardCharsets.UTF_8));
        Response answer = deliver(source, attackers, "msg_" + uid(), Instant.now().getEpochSecond(), "{\"score\": 99}");
        answer.then().statusCode(401).contentType("application/problem+json")
                .body("errors[0].path", org.hamcrest.Matchers.equalTo("webhook-signature"));
        // a body changed after signing is a forgery too
        String id = "msg_" + uid();
        long now = Instant.now().getEpochSecond();
        String signature;
        try {
            signature = new Webhook(signing).sign(id, now, "{\"score\": 10}");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        RestAssured.given().header("webhook-id", id).header("webhook-timestamp", Long.toString(now)).header("webhook-signature", signature)
                .body("{\"score\": 99}").post("/api/webhooks/" + source).then().statusCode(401);
        // and no signature at all
        RestAssured.given().body("{\"score\": 99}").post("/api/webhooks/" + source).then().statusCode(401)
                .body("errors[0].path", org.hamcrest.Matchers.equalTo("webhook-id"));
        assertEquals(forged + 2, counted("triggerfish.webhooks.refused", source, "reason", "bad_signature"));
        assertEquals(0, webhookEvents(source));
    }

    @Test
    @SuppressWarnings("unchecked")
    void duringRotationTheNewAndThePreviousSecretAreAcceptedThenOnlyTheNew() {
        String source = source("rotate", "\"secret\": \"inbound_signing\"");
        deliver(source, signing, "msg_" + uid(), Instant.now().getEpochSecond(), "{}").then().statusCode(202);
        deliver(source, next, "msg_" + uid(), Instant.now().getEpochSecond(), "{}").then().statusCode(401);

        api().body("{\"secret\": \"inbound_next\", \"previous_secret\": \"inbound_signing\"}").put("/api/webhook-sources/" + source)
                .then().statusCode(200);
        deliver(source, next, "msg_" + uid(), Instant.now().getEpochSecond(), "{}").then().statusCode(202);
        deliver(source, signing, "msg_" + uid(), Instant.now().getEpochSecond(), "{}").then().statusCode(202);

        // a source read back and sent again is a valid PUT: here, with the previous secret dropped
        Map<String, Object> current = api().get("/api/webhook-sources/" + source).then().statusCode(200).extract().as(Map.class);
        current.put("previous_secret", null);
        api().body(current).put("/api/webhook-sources/" + source).then().statusCode(200).body("version", org.hamcrest.Matchers.equalTo(2));
        deliver(source, signing, "msg_" + uid(), Instant.now().getEpochSecond(), "{}").then().statusCode(401);
        deliver(source, next, "msg_" + uid(), Instant.now().getEpochSecond(), "{}").then().statusCode(202);
        assertEquals(4, webhookEvents(source));
    }

    @Test
    void aSharedSecretHeaderServesSendersThatCannotSign() {
        String source = source("shared", "\"verification\": \"shared_secret\", \"secret\": \"inbound_shared\"");
        RestAssured.given().header("X-Webhook-Secret", "shared-secret-for-unsigned-senders-42").body("{\"a\": 1}")
                .post("/api/webhooks/" + source).then().statusCode(202);
        RestAssured.given().header("X-Webhook-Secret", "shared-secret-for-unsigned-senders-41").body("{\"a\": 1}")
                .post("/api/webhooks/" + source).then().statusCode(401).body("errors[0].path", org.hamcrest.Matchers.equalTo("X-Webhook-Secret"));
        RestAssured.given().body("{\"a\": 1}").post("/api/webhooks/" + source).then().statusCode(401);
        // a webhook-id still dedupes
        String id = "msg_" + uid();
        for (int status : new int[] {202, 200}) {
            RestAssured.given().header("X-Webhook-Secret", "shared-secret-for-unsigned-senders-42").header("webhook-id", id).body("{\"a\": 2}")
                    .post("/api/webhooks/" + source).then().statusCode(status);
        }
        assertEquals(2, webhookEvents(source));
        assertEquals(1.0, counted("triggerfish.webhooks.refused", source, "reason", "bad_shared_secret"));
    }

    @Test
    void thePayloadNamesItsRecordByTypeAndIdOrTheSourceCreatesIt() {
        String named = source("named", "\"secret\": \"inbound_signing\"");
        String deal = "d-" + uid();
        record("deals", "id", deal, "name", "Big one");
        JsonPath answer = deliver(named, "msg_" + uid(), "{\"entity_type\": \"Deal\", \"entity_id\": \"" + deal + "\"}")
                .then().statusCode(202).extract().jsonPath();
        assertEquals("deal", answer.getString("record.type"));
        assertEquals("named", answer.getString("record.how"));

        String creating = source("creating", """
                "secret": "inbound_signing",
                "record": {"model_type": "Contact", "lookup": {"email": "lead.email"}, "when_missing": "create"}""");
        String email = "new-" + uid() + "@example.com";
        JsonPath created = deliver(creating, "msg_" + uid(), "{\"lead\": {\"email\": \"" + email + "\"}}")
                .then().statusCode(202).extract().jsonPath();
        assertEquals("created", created.getString("record.how"));
        assertEquals(email, recordOf("contacts", created.getString("record.id")).getString("email"));
        // the next delivery about that email finds the contact created for the first
        JsonPath found = deliver(creating, "msg_" + uid(), "{\"lead\": {\"email\": \"" + email + "\"}}")
                .then().statusCode(202).extract().jsonPath();
        assertEquals("found", found.getString("record.how"));
        assertEquals(created.getString("record.id"), found.getString("record.id"));
    }

    @Test
    void withoutARecordTheRecordActionFailsItsStepWithTheReasonAndIsNotRetried() {
        String source = source("norecord", """
                "secret": "inbound_signing",
                "record": {"model_type": "Contact", "lookup": {"email": "email"}, "when_missing": "run_without"}""");
        int mql = trigger(SpecExamples.text("04-marketing-qualified-lead").replace("\"webhook\",", "\"webhook\", \"webhook_source\": \"" + source + "\","));
        JsonPath answer = deliver(source, "msg_" + uid(), "{\"email\": \"nobody-" + uid() + "@example.com\", \"score\": 95,"
                + " \"source\": \"marketing_automation\"}").then().statusCode(202).extract().jsonPath();
        assertEquals("none", answer.getString("record.how"));
        assertNull(answer.get("record.id"));
        JsonPath execution = awaitFinished(mql, 1);
        assertEquals("failed", execution.getString("status"));
        assertEquals(1, execution.getInt("attempt"));
        assertTrue(execution.getString("steps[0].error").contains("concerns none"), execution.prettify());
    }

    /**
     * {{entity.*}} is the payload in every attempt of a step, not only in one run soon after the delivery: a
     * replay, seconds later, sends what the first attempt sent.
     */
    @Test
    void aReplayedStepSeesThePayloadAsTheFirstAttemptDid() {
        String email = "replay-" + uid() + "@example.com";
        api().body("{\"email\": \"" + email + "\", \"score\": 10}").post("/api/records/contacts").then().statusCode(201);
        String source = source("replay", """
                "secret": "inbound_signing",
                "record": {"model_type": "Contact", "lookup": {"email": "email"}, "when_missing": "run_without"}""");
        String path = "/inbound-replay/" + uid();
        sink.failFirst(path, 1, 404, null);
        JsonPath saved = api().body("""
                {"name": "score relay", "trigger_type": "webhook", "webhook_source": "%s",
                 "action_configuration": {"actions": [{"type": "webhook", "url": "%s", "body": {"score": "{{entity.score}}"}}]}}"""
                .formatted(source, sink.url(path))).post("/api/event-triggers").then().statusCode(201).extract().jsonPath();
        int trigger = saved.getInt("id");
        triggers.add(trigger);
        long event = deliver(source, "msg_" + uid(), "{\"email\": \"" + email + "\", \"score\": 95}").then().statusCode(202)
                .extract().jsonPath().getLong("event_id");
        JsonPath failed = awaitFinished(trigger, 1);
        assertEquals("failed", failed.getString("status"), failed.prettify());
        // the event is no longer young by the database's clock (the runner's "fresh" window), then the dead letter is replayed
        await().atMost(DEADLINE).until(() -> sql("select now() - created_at > interval '3 seconds' from events where id = $1", event)
                .iterator().next().getBoolean(0));
        api().post("/api/executions/" + failed.getLong("id") + "/retry").then().statusCode(202);
        await().atMost(DEADLINE).until(() -> sink.at(path).size() == 2);
        assertEquals(List.of("{\"score\":\"95\"}", "{\"score\":\"95\"}"),
                sink.at(path).stream().map(r -> r.body().replace(" ", "")).toList(), "the replay sent the payload's score, not the stored record's");
    }

    /** A sync with no record to store the other system's id on would create another object there on every run. */
    @Test
    void withoutARecordASyncToAnotherSystemFailsItsStepBeforeCallingIt() {
        String source = source("nosync", """
                "secret": "inbound_signing",
                "record": {"model_type": "Contact", "lookup": {"email": "email"}, "when_missing": "run_without"}""");
        JsonPath saved = api().body("""
                {"name": "sync leads", "trigger_type": "webhook", "webhook_source": "%s",
                 "action_configuration": {"actions": [{"type": "sync_to_external", "integration": "hubspot",
                    "mapping": {"email": "{{event.payload.email}}"}}]}}""".formatted(source))
                .post("/api/event-triggers").then().statusCode(201).extract().jsonPath();
        int trigger = saved.getInt("id");
        triggers.add(trigger);
        deliver(source, "msg_" + uid(), "{\"email\": \"nobody-" + uid() + "@example.com\"}").then().statusCode(202);
        JsonPath execution = awaitFinished(trigger, 1);
        assertEquals("failed", execution.getString("status"));
        assertEquals(1, execution.getInt("attempt"));
        assertTrue(execution.getString("steps[0].error").contains("'sync_to_external' acts on a record, and this execution concerns none"),
                execution.prettify());
    }

    @Test
    void aWebhookSourceOnATriggerRestrictsItToThatSource() {
        String mine = source("mine", "\"secret\": \"inbound_signing\"");
        String other = source("other", "\"secret\": \"inbound_signing\"");
        JsonPath saved = api().body("""
                {"name": "mine only", "trigger_type": "webhook", "webhook_source": "%s",
                 "action_configuration": {"actions": [{"type": "webhook", "url": "%s", "body": {"n": "{{event.payload.n}}"}}]}}"""
                .formatted(mine, sink.url("/restricted/" + mine))).post("/api/event-triggers").then().statusCode(201).extract().jsonPath();
        int trigger = saved.getInt("id");
        triggers.add(trigger);
        assertNull(saved.get("warnings"), "a trigger naming an existing source is saved without warnings");
        assertEquals(mine, api().get("/api/event-triggers/" + trigger).then().statusCode(200).extract().path("webhook_source"));
        long fromOther = deliver(other, "msg_" + uid(), "{\"n\": 1}").then().statusCode(202).extract().jsonPath().getLong("event_id");
        deliver(mine, "msg_" + uid(), "{\"n\": 2}").then().statusCode(202);
        awaitFinished(trigger, 1);
        assertEquals(List.of("{\"n\":\"2\"}"), sink.at("/restricted/" + mine).stream().map(r -> r.body().replace(" ", "")).toList());
        // and explain says why the other source's delivery did not fire it
        JsonPath explained = api().queryParam("trigger_id", trigger).get("/api/events/" + fromOther + "/explain").then().statusCode(200)
                .extract().jsonPath();
        assertEquals("other_source", explained.getString("triggers[0].outcome"), explained.prettify());
        // a source that does not exist (yet) is saved with a warning: such a trigger hears nothing
        JsonPath typo = api().body("""
                {"name": "typo", "trigger_type": "webhook", "webhook_source": "no-such-source",
                 "action_configuration": {"actions": [{"type": "add_tag", "tag": "x"}]}}""")
                .post("/api/event-triggers").then().statusCode(201).extract().jsonPath();
        triggers.add(typo.getInt("id"));
        assertEquals("webhook_source", typo.getString("warnings[0].path"));
        // only webhook triggers take a source, and it must be a source's name
        api().body("{\"name\": \"x\", \"trigger_type\": \"manual\", \"webhook_source\": \"" + mine + "\","
                        + " \"action_configuration\": {\"actions\": [{\"type\": \"add_tag\", \"tag\": \"x\"}]}}")
                .post("/api/event-triggers").then().statusCode(422).body("errors[0].path", org.hamcrest.Matchers.equalTo("webhook_source"));
    }

    @Test
    void payloadsThatAreNotJsonObjectsOrTooLargeAreProblemsAndStoreNothing() {
        String source = source("bad", "\"secret\": \"inbound_signing\"");
        deliver(source, "msg_" + uid(), "{\"score\": ").then().statusCode(400).contentType("application/problem+json");
        deliver(source, "msg_" + uid(), "[1, 2]").then().statusCode(400).body("errors[0].path", org.hamcrest.Matchers.equalTo("$"));
        deliver(source, "msg_" + uid(), "{\"a\": 1, \"a\": 2}").then().statusCode(400);
        deliver(source, "msg_" + uid(), "{\"blob\": \"" + "x".repeat(300 * 1024) + "\"}").then().statusCode(413)
                .contentType("application/problem+json");
        deliver(source, "msg_" + uid(), "{\"entity_type\": \"Deal\", \"entity_id\": {\"x\": 1}}").then().statusCode(422)
                .body("errors[0].path", org.hamcrest.Matchers.equalTo("entity_id"));
        deliver("no-such-source", "msg_" + uid(), "{}").then().statusCode(404).contentType("application/problem+json");
        assertEquals(0, webhookEvents(source));
    }

    @Test
    void aSourceNamesItsSecretAndNeverHoldsOrShowsIt() {
        api().body("{\"name\": \"leaky-" + uid() + "\", \"secret\": \"" + signing + "\"}").post("/api/webhook-sources")
                .then().statusCode(422).body("errors[0].path", org.hamcrest.Matchers.equalTo("secret"))
                .body(org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString(signing.substring(6))));
        api().body("{\"name\": \"Bad Name\", \"secret\": \"inbound_signing\", \"verification\": \"maybe\"}").post("/api/webhook-sources")
                .then().statusCode(422).body("errors.path", org.hamcrest.Matchers.hasItems("name", "verification"));
        String source = source("shown", "\"secret\": \"inbound_signing\"");
        String shown = api().get("/api/webhook-sources/" + source).then().statusCode(200).extract().asString();
        assertTrue(shown.contains("inbound_signing"));
        assertFalse(shown.contains(signing.substring(6)), shown);
        assertFalse(sql("select row_to_json(s)::text from webhook_sources s where name = $1", source).iterator().next().getString(0)
                .contains(signing.substring(6)));
        api().body("{\"name\": \"" + source + "\", \"secret\": \"inbound_signing\"}").post("/api/webhook-sources").then().statusCode(409);
    }

    @Test
    void concurrentDeliveriesCreateOneRecordAndOneEventPerWebhookId() throws Exception {
        String source = source("race", """
                "secret": "inbound_signing",
                "record": {"model_type": "Contact", "lookup": {"email": "email"}, "when_missing": "create"}""");
        String email = "race-" + uid() + "@example.com";
        String body = "{\"email\": \"" + email + "\"}";
        java.util.concurrent.ExecutorService senders = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            // eight deliveries about one new email, each its own message: one contact is created, the others find it
            List<java.util.concurrent.Future<JsonPath>> distinct = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String id = "msg_" + uid();
                distinct.add(senders.submit(() -> deliver(source, id, body).then().statusCode(202).extract().jsonPath()));
            }
            java.util.Set<String> ids = new java.util.HashSet<>();
            for (java.util.concurrent.Future<JsonPath> answer : distinct) {
                ids.add(answer.get().getString("record.id"));
            }
            assertEquals(1, ids.size(), "one contact for one email: " + ids);
            assertEquals(1, sql("select count(*) from crm_records where type = 'contact' and attributes->>'email' = $1", email)
                    .iterator().next().getLong(0));

            // eight copies of one message at once: one event, one 202, the rest answered as resends
            String id = "msg_" + uid();
            List<java.util.concurrent.Future<Integer>> copies = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                copies.add(senders.submit(() -> deliver(source, id, body).statusCode()));
            }
            List<Integer> statuses = new ArrayList<>();
            for (java.util.concurrent.Future<Integer> status : copies) {
                statuses.add(status.get());
            }
            statuses.sort(null);
            assertEquals(List.of(200, 200, 200, 200, 200, 200, 200, 202), statuses);
            assertEquals(9, webhookEvents(source));
        } finally {
            senders.shutdownNow();
        }
    }
}
