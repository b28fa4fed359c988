package dev.triggerfish.execution;

import dev.triggerfish.EndToEnd;
import dev.triggerfish.PostgresResource;
import dev.triggerfish.SmtpResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.triggerfish.Api.api;
import static dev.triggerfish.JsonFixtures.json;
import static dev.triggerfish.JsonFixtures.object;
import static dev.triggerfish.SmtpResource.receivedBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code fallback: [actions]} end to end: the actions that run in place of one that failed for good,
 * against a real HTTP server and a real SMTP server, and where a step with fallbacks resumes.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = SmtpResource.class, scope = TestResourceScope.GLOBAL)
class FallbackTest extends EndToEnd {

    /** A webhook to the sink's {@code path} with these fallbacks (and these other keys). */
    private Map<String, Object> webhook(String path, List<Map<String, Object>> fallbacks, Object... more) {
        Map<String, Object> hook = new HashMap<>(object("type", "webhook", "url", sink.url(path), "body", object("id", "{{entity_id}}")));
        if (fallbacks != null) {
            hook.put("fallback", fallbacks);
        }
        hook.putAll(object(more));
        return hook;
    }

    private int trigger(String type, Map<?, ?>... actions) {
        return trigger(json("name", "critical", "trigger_type", "model_created", "model_type", type, "max_retries", 2,
                "retry_configuration", object("delay_minutes", 0), "action_configuration", object("actions", List.of(actions))));
    }

    private static Map<String, Object> email(String to) {
        return object("type", "send_email", "recipient", "custom", "custom_email", to, "subject", "Sync of {{entity.name}} failed",
                "body", "Please enter {{entity.name}} by hand.");
    }

    @Test
    void aWebhookThatFailsForGoodIsReplacedByItsFallbackEmailAndTask() throws Exception {
        String type = "Critical" + uid();
        String down = "/crm-down/" + uid();
        sink.answer(down, 400);
        String desk = "desk-" + uid() + "@example.com";
        int trigger = trigger(type,
                webhook(down, List.of(email(desk), object("type", "create_task", "title", "Enter {{entity.name}} by hand", "due_days", 1))),
                object("type", "add_tag", "tag", "handled"));
        record(type, "id", "1", "name", "Umbrella");

        JsonPath execution = awaitFinished(trigger, 1);
        assertEquals("completed", execution.getString("status"), execution.prettify());
        assertEquals(List.of("webhook", "send_email", "create_task", "add_tag"), execution.getList("steps.action_type"));
        assertEquals(List.of("failed", "completed", "completed", "completed"), execution.getList("steps.status"));
        assertEquals(List.of(0, 0, 0, 1), execution.getList("steps.step_index"));
        assertNull(execution.get("steps[0].fallback"), "the action itself");
        assertEquals(1, execution.getInt("steps[1].fallback"));
        assertEquals(2, execution.getInt("steps[2].fallback"));
        assertNull(execution.get("steps[3].fallback"));
        assertEquals(true, execution.getBoolean("steps[0].output.replaced_by_fallback"));
        assertEquals("HTTP 400 from " + sink.url(down), execution.getString("steps[0].error"));
        long id = execution.getLong("id");
        assertEquals(id + "-0.f1", execution.getString("steps[1].idempotency_key"), "a fallback has its own key");

        List<MimeMessage> mailed = receivedBy(desk);
        assertEquals(1, mailed.size());
        assertEquals("Sync of Umbrella failed", mailed.get(0).getSubject());
        assertEquals("<triggerfish." + id + ".0.f1@crm.example.com>", mailed.get(0).getMessageID());
        assertEquals("Enter Umbrella by hand", recordOf("tasks", execution.getString("steps[2].output.task_id")).getString("title"));
        assertTrue(recordOf(type, "1").getList("tags").contains("handled"), "the next step ran");
        assertEquals(1, sink.at(down).size(), "a 400 is not tried again");
    }

    @Test
    void aFallbackThatFailsFailsTheStepUnlessTheActionContinuesOnFailure() {
        String down = "/down/" + uid();
        String alsoDown = "/also-down/" + uid();
        sink.answer(down, 400);
        sink.answer(alsoDown, 422);
        List<Map<String, Object>> fallback = List.of(webhook(alsoDown, null));
        String stops = "Stops" + uid();
        int stopping = trigger(stops, webhook(down, fallback), object("type", "add_tag", "tag", "never"));
        String goesOn = "GoesOn" + uid();
        int continuing = trigger(goesOn, webhook(down, fallback, "on_failure", "continue"), object("type", "add_tag", "tag", "anyway"));
        record(stops, "id", "1");
        record(goesOn, "id", "1");

        JsonPath failed = awaitFinished(stopping, 1);
        assertEquals("failed", failed.getString("status"));
        assertEquals(List.of("failed", "failed"), failed.getList("steps.status"));
        assertEquals("step 0 fallback 1 (webhook) failed: HTTP 422 from " + sink.url(alsoDown), failed.getString("error"));
        assertFalse(recordOf(stops, "1").getList("tags").contains("never"));

        JsonPath completed = awaitFinished(continuing, 1);
        assertEquals("completed", completed.getString("status"), completed.prettify());
        assertEquals(List.of("failed", "failed", "completed"), completed.getList("steps.status"));
        assertTrue(recordOf(goesOn, "1").getList("tags").contains("anyway"));
        List<String> keys = sink.at(alsoDown).stream().map(r -> r.headers().get("idempotency-key")).sorted().toList();
        assertEquals(List.of(completed.getLong("id") + "-0.f1", failed.getLong("id") + "-0.f1").stream().sorted().toList(), keys);
    }

    @Test
    void aResumedStepDoesNotRunAgainTheFallbacksThatAlreadyRan() {
        String type = "Resumed" + uid();
        String down = "/down/" + uid();
        String notice = "/notice/" + uid();
        sink.answer(down, 400);
        String desk = "desk-" + uid() + "@example.com";
        int trigger = trigger(type, webhook(down, List.of(email(desk), webhook(notice, null))));
        record(type, "id", "1", "name", "Initech");
        long execution = awaitFinished(trigger, 1).getLong("id");
        assertEquals(1, sink.at(notice).size());

        // the replica died after the email's checkpoint and before the second fallback's: the step is still
        // held, by a lease that has run out
        sql("delete from execution_steps where execution_id = $1 and step_index = 0 and fallback = 2", execution);
        sql("""
                update trigger_executions set status = 'running', current_step = 0, claimed_by = 'crashed-replica',
                       lease_until = now() - interval '1 second', completed_at = null
                where id = $1""", execution);

        await().atMost(DEADLINE).until(() -> sink.at(notice).size() == 2);
        JsonPath resumed = awaitFinished(trigger, 1);
        assertEquals("completed", resumed.getString("status"), resumed.prettify());
        assertEquals(List.of("failed", "completed", "completed"), resumed.getList("steps.status"));
        assertEquals(1, sink.at(down).size(), "the replaced action is not run again");
        assertEquals(1, receivedBy(desk).size(), "nor the fallback that already ran");
    }

    @Test
    void aFallbackNamingATemplateThatDoesNotExistYetIsSavedWithAWarning() {
        Map<String, Object> missing = object("type", "send_email", "template_id", 987_654_321, "recipient", "entity_email");
        JsonPath saved = api().body(json("name", "warned", "trigger_type", "manual", "action_configuration", object("actions",
                        List.of(webhook("/x/" + uid(), List.of(missing))))))
                .post("/api/event-triggers").then().statusCode(201).extract().jsonPath();
        triggers.add(saved.getInt("id"));
        assertEquals(List.of("action_configuration.actions[0].fallback[0].template_id"), saved.getList("warnings.path"));
    }

    @Test
    void aFallbackWithATransientFaultIsRetriedWithoutRunningTheActionAgain() {
        String type = "Retried" + uid();
        String down = "/down/" + uid();
        String busy = "/busy/" + uid();
        sink.answer(down, 400);
        sink.failFirst(busy, 2, 503, null); // the call and its quick in-process retry
        int trigger = trigger(type, webhook(down, List.of(webhook(busy, null))));
        record(type, "id", "1");

        JsonPath execution = awaitFinished(trigger, 1);
        assertEquals("completed", execution.getString("status"), execution.prettify());
        assertEquals(2, execution.getInt("attempt"));
        assertEquals(List.of("failed", "completed"), execution.getList("steps.status"));
        assertEquals(1, sink.at(down).size(), "the retry resumed at the fallback");
        assertEquals(3, sink.at(busy).size());
    }
}
