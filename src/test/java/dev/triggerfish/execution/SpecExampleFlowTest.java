package dev.triggerfish.execution;

import dev.triggerfish.EndToEnd;
import dev.triggerfish.PostgresResource;
import dev.triggerfish.SmtpResource;
import dev.triggerfish.WebhookSink;
import dev.triggerfish.trigger.SpecExamples;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.triggerfish.Api.api;
import static dev.triggerfish.JsonFixtures.read;
import static dev.triggerfish.SmtpResource.part;
import static dev.triggerfish.SmtpResource.receivedBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The spec's example triggers end to end: records change, the triggers fire, and their actions run in
 * order against a real HTTP server, a real SMTP server and the record store.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = SmtpResource.class, scope = TestResourceScope.GLOBAL)
class SpecExampleFlowTest extends EndToEnd {
    @BeforeEach
    void templates() {
        specTemplates();
    }

    @Test
    void newContactWelcomeSequenceEmailsTheContactAndCreatesTheFollowUpTask() throws Exception {
        int trigger = trigger(SpecExamples.text("01-new-contact-welcome"));
        String contact = "nc-" + uid();
        String email = contact + "@example.com";
        user("rep-" + uid());
        record("contacts", "id", contact, "first_name", "Ada", "email", email, "source", "website_form");
        record("contacts", "id", contact + "-x", "source", "import", "email", contact + "-x@example.com");

        JsonPath execution = awaitFinished(trigger, 1);
        assertEquals("completed", execution.getString("status"), execution.prettify());
        assertEquals(contact, execution.getString("entity_id"));
        assertEquals(List.of("send_email", "create_task"), execution.getList("steps.action_type"));
        assertEquals(List.of("completed", "completed"), execution.getList("steps.status"));
        assertNotNull(execution.getString("started_at"));
        assertNotNull(execution.getString("completed_at"));
        String task = execution.getString("steps[1].output.task_id");
        JsonPath created = recordOf("tasks", task);
        assertEquals("Follow up with new contact", created.getString("title"));
        assertEquals(contact, created.getString("related_id"));
        assertNotNull(created.getString("assigned_to"), "'auto' assigns someone");
        assertEquals(OffsetDateTime.now().toLocalDate().plusDays(1).toString(), created.getString("due_date"));
        // the welcome email, as the SMTP server received it: template 1, to the new contact only
        List<MimeMessage> received = receivedBy(email);
        assertEquals(1, received.size());
        assertEquals("Welcome, Ada!", received.get(0).getSubject());
        assertEquals("Hello Ada, welcome!", part(received.get(0), "text/plain").trim());
        assertEquals(execution.getString("steps[0].output.message_id"), received.get(0).getMessageID());
        assertEquals(List.of(), receivedBy(contact + "-x@example.com"), "an imported contact is not welcomed");
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

        record("deals", "id", deal, "name", "Big \"Quoted\" Deal\n", "stage", "proposal", "value", 60000);
        update("deals", deal, "stage", "negotiation");
        JsonPath execution = awaitFinished(trigger, 1);
        assertEquals("completed", execution.getString("status"));

        List<WebhookSink.Received> calls = sink.at("/slack/" + deal);
        assertEquals(1, calls.size());
        WebhookSink.Received call = calls.get(0);
        assertEquals("POST", call.method());
        assertEquals("Bearer test-slack-token-456", call.headers().get("authorization"));
        assertEquals(execution.getLong("id") + "-0", call.headers().get("idempotency-key"));
        Map<?, ?> sent = read(call.body());
        assertEquals("#sales-alerts", sent.get("channel"));
        assertEquals("High-value deal Big \"Quoted\" Deal\n entered negotiation phase!", sent.get("text"));
        assertEquals(200, execution.getInt("steps[0].output.status"));
        assertEquals("***", execution.getString("steps[0].request.headers.Authorization"));
        assertFalse(execution.prettyPrint().contains("test-slack-token-456"), "no secret in the execution record");
        assertEquals(manager, recordOf("deals", deal).getString("assigned_to"));

        // later updates while in negotiation do not fire again
        update("deals", deal, "value", 70000);
        update("deals", deal, "stage", "negotiation", "note", "x");
        String probe = "d-" + uid();
        record("deals", "id", probe, "stage", "proposal", "value", 90000);
        update("deals", probe, "stage", "negotiation");
        int finalTrigger = trigger;
        await().atMost(DEADLINE).until(() -> executions(finalTrigger).getList("data").size() == 2);
        assertEquals(List.of(probe, deal), executions(trigger).getList("data.entity_id"));
    }

    @Test
    void leadQualificationWaitsItsDelayThenRunsEveryActionInOrder() throws Exception {
        String rep = "rep-" + uid();
        user(rep, "senior_sales_rep");
        int trigger = trigger("05-lead-qualification", "/unused");
        String company = "co-" + uid();
        record("companies", "id", company, "name", "Initech", "employee_count", 120);
        String contact = "lq-" + uid();
        record("contacts", "id", contact, "full_name", "Ada Lovelace", "engagement_score", 3, "company_id", company, "tags", List.of("prospect"));
        update("contacts", contact, "engagement_score", 9);

        await().atMost(DEADLINE).until(() -> executions(trigger).getList("data").size() == 1);
        JsonPath scheduled = executions(trigger);
        assertEquals("scheduled", scheduled.getString("data[0].status"));
        OffsetDateTime due = OffsetDateTime.parse(scheduled.getString("data[0].next_attempt_at"));
        assertTrue(due.isAfter(OffsetDateTime.now().plusMinutes(4)) && due.isBefore(OffsetDateTime.now().plusMinutes(6)), due.toString());

        // the five minutes pass
        sql("update trigger_executions set next_attempt_at = now() where id = $1", scheduled.getLong("data[0].id"));
        JsonPath execution = awaitFinished(trigger, 1);
        assertEquals("completed", execution.getString("status"), execution.prettify());
        assertEquals(List.of("completed", "completed", "completed", "completed", "completed"), execution.getList("steps.status"));
        JsonPath lead = recordOf("contacts", contact);
        assertEquals(lead.getString("assigned_to") + "@example.com", execution.getString("steps[3].output.to"), "emailed to the user just assigned");
        // that user's email, as the SMTP server received it: template 3, rendered for the lead
        List<MimeMessage> mailed = receivedBy(lead.getString("assigned_to") + "@example.com").stream()
                .filter(m -> messageId(m).equals(execution.getString("steps[3].output.message_id"))).toList();
        assertEquals(1, mailed.size());
        assertEquals("Qualified lead: Ada Lovelace", mailed.get(0).getSubject());
        assertEquals("Ada Lovelace is qualified and yours.", part(mailed.get(0), "text/plain").trim());
        assertEquals("qualified", lead.getString("status"));
        assertEquals(List.of("prospect", "hot-lead"), lead.getList("tags"));
        assertTrue(List.of(rep).contains(lead.getString("assigned_to")) || lead.getString("assigned_to") != null);
        JsonPath task = recordOf("tasks", execution.getString("steps[4].output.task_id"));
        assertEquals("Contact qualified lead Ada Lovelace", task.getString("title"));
        assertEquals("high", task.getString("priority"));
        // a later score change above the threshold does not qualify again
        update("contacts", contact, "engagement_score", 10);
        record("contacts", "id", contact + "-probe", "engagement_score", 1, "company_id", company);
        update("contacts", contact + "-probe", "engagement_score", 8);
        await().atMost(DEADLINE).until(() -> executions(trigger).getList("data").size() == 2);
        assertEquals(List.of(contact + "-probe", contact), executions(trigger).getList("data.entity_id"));
    }

    private static String messageId(MimeMessage message) {
        try {
            return message.getMessageID();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void customerOnboardingRendersRelatedRecordsIntoTheBillingWebhook() {
        String path = "/billing/" + uid();
        int trigger = trigger("07-customer-onboarding-sequence", path);
        String csm = "csm-" + uid();
        user(csm, "customer_success_team");
        String contact = "oc-" + uid();
        record("contacts", "id", contact, "name", "Grace Hopper", "email", contact + "@example.com");
        String deal = "od-" + uid();
        record("deals", "id", deal, "stage", "negotiation", "contact_id", contact, "plan_type", "enterprise", "value", 120000);
        update("deals", deal, "stage", "won");

        JsonPath execution = awaitFinished(trigger, 1);
        assertEquals("completed", execution.getString("status"));
        assertEquals(List.of("completed", "completed", "skipped", "completed"), execution.getList("steps.status"));
        assertEquals(contact + "@example.com", execution.getString("steps[0].output.to"), "a deal is emailed through its contact");
        JsonPath task = recordOf("tasks", execution.getString("steps[1].output.task_id"));
        assertEquals("Contact Grace Hopper to schedule onboarding", task.getString("description"));
        WebhookSink.Received call = sink.at(path).get(0);
        assertEquals("Bearer test-billing-key-789", call.headers().get("authorization"));
        assertEquals(Map.of("contact_id", contact, "plan", "enterprise", "value", "120000"), read(call.body()));
    }

    @Test
    void eventChainTagAdditionFiresTheSecondTriggerOnce() {
        String manager = "sam-" + uid();
        user(manager, "senior_account_manager");
        int engagement = trigger(SpecExamples.text("08-high-engagement-detection"));
        int tagged = trigger(SpecExamples.text("09-highly-engaged-contact-actions"));
        String contact = "ec-" + uid();
        record("contacts", "id", contact, "engagement_score", 2);
        update("contacts", contact, "engagement_score", 9);

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
        record(type, "id", "1", "a", "", "b", "");
        update(type, "1", "start", true);
        await().atMost(DEADLINE).until(() -> executions(a).getList("data.status").contains("skipped")
                || executions(b).getList("data.status").contains("skipped"));
        List<String> errors = new ArrayList<>();
        errors.addAll(executions(a).getList("data.error"));
        errors.addAll(executions(b).getList("data.error"));
        assertTrue(errors.stream().anyMatch(e -> e != null && e.contains("chain depth 6 exceeds")), errors.toString());
    }
}
