package dev.triggerfish.workflow;

import dev.triggerfish.EndToEnd;
import dev.triggerfish.PostgresResource;
import dev.triggerfish.SmtpResource;
import dev.triggerfish.WebhookSink;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.triggerfish.Api.api;
import static dev.triggerfish.JsonFixtures.read;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Workflows ({@code /api/workflows}) and {@code trigger_workflow}: a child execution per parent step, run by the runner. */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = SmtpResource.class, scope = TestResourceScope.GLOBAL)
class WorkflowTest extends EndToEnd {
    private final List<Integer> workflows = new ArrayList<>();

    @BeforeEach
    void templates() {
        specTemplates();
    }

    @AfterEach
    void deleteWorkflows() {
        // workflow 7 is the spec's: other tests run the onboarding example without it
        workflows.forEach(id -> api().delete("/api/workflows/" + id));
        workflows.clear();
    }

    private int workflow(String body) {
        int id = api().body(body).post("/api/workflows").then().statusCode(201).extract().path("id");
        workflows.add(id);
        return id;
    }

    private JsonPath execution(long id) {
        return api().get("/api/executions/" + id).then().statusCode(200).extract().jsonPath();
    }

    private JsonPath awaitEnded(long id) {
        await().atMost(DEADLINE).until(() -> List.of("completed", "failed", "cancelled", "skipped").contains(execution(id).getString("status")));
        return execution(id);
    }

    @Test
    void aWorkflowIsStoredWithTheIdAskedForCheckedLikeATriggersActions() {
        String name = "Nurture " + uid();
        int id = workflow("""
                {"name": "%s", "description": "after a demo", "actions": [{"type": "add_tag", "tag": "nurtured"}], "max_retries": 1}"""
                .formatted(name));
        api().get("/api/workflows/" + id).then().statusCode(200)
                .body("name", equalTo(name)).body("actions[0].type", equalTo("add_tag")).body("max_retries", equalTo(1))
                .body("allow_retries", equalTo(true)).body("version", equalTo(0));
        api().get("/api/workflows?per_page=500").then().statusCode(200).body("data.id", hasItem(id));
        api().body("{\"id\": %d, \"name\": \"x\", \"actions\": [{\"type\": \"add_tag\", \"tag\": \"y\"}]}".formatted(id))
                .post("/api/workflows").then().statusCode(409);

        api().body("{\"name\": \"x\", \"actions\": [{\"type\": \"add_tag\"}, {\"type\": \"teleport\"}], \"max_retries\": -1}")
                .post("/api/workflows").then().statusCode(422)
                .body("errors.path", hasItem("actions[0].tag")).body("errors.path", hasItem("actions[1].type"))
                .body("errors.path", hasItem("max_retries"));
        api().body("{\"name\": \"x\", \"actions\": [{\"type\": \"trigger_workflow\", \"workflow_id\": 1,"
                        + " \"context\": {\"token\": \"{{api_token}}\"}}]}")
                .post("/api/workflows").then().statusCode(422).body("errors.path", hasItem("actions[0].context.token"));
        api().body("{\"name\": \"x\"}").post("/api/workflows").then().statusCode(422).body("errors.path", hasItem("actions"));

        api().body("{\"name\": \"renamed\", \"actions\": [{\"type\": \"remove_tag\", \"tag\": \"nurtured\"}], \"version\": 0}")
                .put("/api/workflows/" + id).then().statusCode(200).body("version", equalTo(1)).body("name", equalTo("renamed"));
        api().delete("/api/workflows/" + id).then().statusCode(204);
        api().get("/api/workflows/" + id).then().statusCode(404);
    }

    /**
     * The spec's Customer Onboarding Sequence as written: the welcome email (template 10) reaches the
     * SMTP server, the task is created, workflow 7 runs as a child of step 2, and the billing webhook is called.
     */
    @Test
    void theCustomerOnboardingSequenceEmailsCreatesTheTaskStartsWorkflowSevenAndCallsBilling() throws Exception {
        String onboarding = "/onboarding/" + uid();
        workflow("""
                {"id": 7, "name": "Onboarding workflow", "actions": [
                  {"type": "add_tag", "tag": "onboarding"},
                  {"type": "webhook", "url": "%s", "body": {"deal": "{{entity_id}}", "event": "{{trigger_event}}", "plan": "{{entity.plan_type}}"}}]}"""
                .formatted(sink.url(onboarding)));
        String billing = "/billing/" + uid();
        int trigger = trigger("07-customer-onboarding-sequence", billing);
        user("csm-" + uid(), "customer_success_team");
        String contact = "woc-" + uid();
        record("contacts", "id", contact, "name", "Grace Hopper", "email", contact + "@example.com");
        String deal = "wod-" + uid();
        record("deals", "id", deal, "stage", "negotiation", "contact_id", contact, "plan_type", "enterprise", "value", 120000);
        update("deals", deal, "stage", "won");

        awaitFinished(trigger, 2); // the trigger's history holds the child it started too
        JsonPath parent = execution(executions(trigger).getLong("data.find { it.parent_execution_id == null }.id"));
        assertEquals("completed", parent.getString("status"));
        assertEquals(List.of("send_email", "create_task", "trigger_workflow", "webhook"), parent.getList("steps.action_type"));
        assertEquals(List.of("completed", "completed", "completed", "completed"), parent.getList("steps.status"));

        MimeMessage mail = Arrays.stream(SmtpResource.server().getReceivedMessages()).filter(m -> {
            try {
                return Arrays.stream(m.getRecipients(Message.RecipientType.TO)).anyMatch(a -> a.toString().equals(contact + "@example.com"));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }).findFirst().orElseThrow();
        assertEquals("Welcome aboard", mail.getSubject());
        assertTrue(mail.getContent().toString().contains("Your enterprise plan is ready."), mail.getContent().toString());
        assertEquals("Contact Grace Hopper to schedule onboarding",
                recordOf("tasks", parent.getString("steps[1].output.task_id")).getString("description"));

        long child = parent.getLong("steps[2].output.child_execution_id");
        assertEquals(7, parent.getInt("steps[2].output.workflow_id"));
        assertEquals(List.of(Map.of("execution_id", (int) child, "step_index", 2, "workflow_id", 7, "status", "completed")),
                awaitEnded(parent.getLong("id")).getList("children"), "the parent names its child");
        JsonPath run = awaitEnded(child);
        assertEquals("completed", run.getString("status"));
        assertEquals(parent.getLong("id"), run.getLong("parent_execution_id"), "the child names its parent");
        assertEquals(2, run.getInt("parent_step"));
        assertEquals(7, run.getInt("workflow_id"));
        assertEquals(trigger, run.getInt("trigger_id"));
        assertEquals(deal, run.getString("entity_id"));
        assertEquals(List.of("add_tag", "webhook"), run.getList("steps.action_type"));
        assertEquals(List.of("completed", "completed"), run.getList("steps.status"));
        assertTrue(recordOf("deals", deal).getList("tags").contains("onboarding"));
        assertEquals(Map.of("deal", deal, "event", "deal.updated", "plan", "enterprise"), read(sink.at(onboarding).get(0).body()));
        JsonPath event = api().get("/api/events/" + run.getLong("event_id")).then().statusCode(200).extract().jsonPath();
        assertEquals("workflow", event.getString("source"));
        assertEquals(1, event.getInt("chain_depth"), "a child is one level deeper in the chain than its parent");

        WebhookSink.Received call = sink.at(billing).get(0);
        assertEquals("Bearer test-billing-key-789", call.headers().get("authorization"));
        assertEquals(Map.of("contact_id", contact, "plan", "enterprise", "value", "120000"), read(call.body()));
    }

    @Test
    void aRepeatedParentStepFindsItsChildInsteadOfStartingASecond() {
        String path = "/child/" + uid();
        int id = workflow("""
                {"name": "once", "actions": [{"type": "webhook", "url": "%s", "body": {"source": "{{context.trigger_source}}",
                  "original": "{{context.original_event}}"}}]}""".formatted(sink.url(path)));
        int trigger = trigger("""
                {"name": "starts %d", "trigger_type": "manual", "action_configuration": {"actions": [
                  {"type": "trigger_workflow", "workflow_id": %d, "context": {"trigger_source": "event_trigger", "original_event": "{{trigger_event}}"}}]}}"""
                .formatted(id, id));
        long parent = api().body("{\"entity_type\": \"Contact\", \"entity_id\": \"wr-%s\"}".formatted(uid()))
                .post("/api/event-triggers/" + trigger + "/execute").then().statusCode(202).extract().jsonPath().getLong("execution_id");
        JsonPath first = awaitEnded(parent);
        long child = first.getLong("steps[0].output.child_execution_id");
        awaitEnded(child);
        assertEquals(Map.of("source", "event_trigger", "original", "contact.manual"), read(sink.at(path).get(0).body()),
                "the child's templates see the step's rendered context");

        // as if a replica had lost the step's outcome and the parent ran the step again
        sql("update trigger_executions set status = 'retrying', current_step = 0, completed_at = null, next_attempt_at = now() where id = $1",
                parent);
        await().atMost(DEADLINE).until(() -> execution(parent).getInt("attempt") == 2 && "completed".equals(execution(parent).getString("status")));
        JsonPath again = execution(parent);
        assertEquals(child, again.getLong("steps[0].output.child_execution_id"));
        assertEquals(true, again.getBoolean("steps[0].output.already_started"));
        assertEquals(1L, sql("select count(*) from trigger_executions where parent_execution_id = $1", parent).iterator().next().getLong(0));
        assertEquals(1, sink.at(path).size());
        assertThrows(Exception.class, () -> sql("""
                insert into trigger_executions (trigger_id, trigger_version, event_id, status, parent_execution_id, parent_step, flow)
                select trigger_id, trigger_version, event_id + 1000000, 'pending', parent_execution_id, parent_step, flow
                from trigger_executions where id = $1""", child), "the database refuses a second child of one step");
    }

    @Test
    void aWorkflowThatStartsItselfIsCutAtTheChainDepthWithTheReason() {
        int id = workflow("{\"name\": \"loop\", \"actions\": [{\"type\": \"add_tag\", \"tag\": \"looped\"}]}");
        api().body("{\"name\": \"loop\", \"actions\": [{\"type\": \"add_tag\", \"tag\": \"looped\"}, {\"type\": \"trigger_workflow\", \"workflow_id\": %d}]}"
                .formatted(id)).put("/api/workflows/" + id).then().statusCode(200);
        int trigger = trigger("""
                {"name": "starts the loop", "trigger_type": "manual", "action_configuration": {"actions": [
                  {"type": "trigger_workflow", "workflow_id": %d}]}}""".formatted(id));
        String contact = "wl-" + uid();
        record("contacts", "id", contact, "name", "Loop");
        api().body("{\"entity_type\": \"Contact\", \"entity_id\": \"%s\"}".formatted(contact))
                .post("/api/event-triggers/" + trigger + "/execute").then().statusCode(202);

        // the trigger's event is depth 0: children at depths 1 to 5 start, the sixth is refused
        await().atMost(DEADLINE).until(() -> sql("""
                select count(*) from execution_steps s join trigger_executions e on e.id = s.execution_id
                where e.workflow_id = $1 and s.step_index = 1 and s.status = 'skipped'""", (long) id).iterator().next().getLong(0) == 1);
        assertEquals(5L, sql("select count(*) from trigger_executions where workflow_id = $1", (long) id).iterator().next().getLong(0));
        String reason = sql("""
                select s.error from execution_steps s join trigger_executions e on e.id = s.execution_id
                where e.workflow_id = $1 and s.step_index = 1 and s.status = 'skipped'""", (long) id).iterator().next().getString("error");
        assertTrue(reason.contains("chain depth 6 exceeds triggerfish.dispatch.max-chain-depth=5"), reason);
        await().atMost(DEADLINE).until(() -> sql("select count(*) from trigger_executions where workflow_id = $1 and status = 'completed'",
                (long) id).iterator().next().getLong(0) == 5);
        assertEquals(List.of("looped"), recordOf("contacts", contact).getList("tags"), "each child's steps ran on the same record");
    }

    @Test
    void aWorkflowThatDoesNotExistIsASkippedStepAndTheChainGoesOn() {
        String path = "/after/" + uid();
        int trigger = trigger("""
                {"name": "missing workflow", "trigger_type": "manual", "action_configuration": {"actions": [
                  {"type": "trigger_workflow", "workflow_id": 987654321}, {"type": "webhook", "url": "%s"}]}}""".formatted(sink.url(path)));
        long parent = api().body("{\"entity_type\": \"Contact\", \"entity_id\": \"wm-1\"}")
                .post("/api/event-triggers/" + trigger + "/execute").then().statusCode(202).extract().jsonPath().getLong("execution_id");
        JsonPath run = awaitEnded(parent);
        assertEquals("completed", run.getString("status"));
        assertEquals(List.of("skipped", "completed"), run.getList("steps.status"));
        assertEquals("workflow 987654321 does not exist", run.getString("steps[0].error"));
        assertEquals(1, sink.at(path).size());
    }
}
