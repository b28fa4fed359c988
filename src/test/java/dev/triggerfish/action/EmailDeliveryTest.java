package dev.triggerfish.action;

import dev.triggerfish.EndToEnd;
import dev.triggerfish.PostgresResource;
import dev.triggerfish.SmtpResource;
import dev.triggerfish.trigger.SpecExamples;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.triggerfish.Api.api;
import static dev.triggerfish.JsonFixtures.json;
import static dev.triggerfish.JsonFixtures.object;
import static dev.triggerfish.SmtpResource.part;
import static dev.triggerfish.SmtpResource.receivedBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code send_email} end to end: a real SMTP server in the test's JVM receives what the triggers send. */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = SmtpResource.class, scope = TestResourceScope.GLOBAL)
class EmailDeliveryTest extends EndToEnd {

    @BeforeEach
    void templates() {
        specTemplates();
    }

    @Test
    void theNewContactWelcomeSequenceEmailsTheContactWithTemplateOne() throws Exception {
        int trigger = trigger(SpecExamples.text("01-new-contact-welcome"));
        user("rep-" + uid());
        String email = "ada-" + uid() + "@example.com";
        record("contacts", "id", "wc-" + uid(), "first_name", "Ada <Lovelace>", "email", email, "source", "website_form");

        JsonPath execution = awaitFinished(trigger, 1);
        assertEquals("completed", execution.getString("status"));
        assertEquals(List.of("completed", "completed"), execution.getList("steps.status"));
        String messageId = "<triggerfish." + execution.getLong("id") + ".0@crm.example.com>";
        assertEquals(email, execution.getString("steps[0].output.to"));
        assertEquals(messageId, execution.getString("steps[0].output.message_id"));
        assertEquals(List.of(email), execution.getList("steps[0].output.accepted"));
        assertEquals(1, execution.getInt("steps[0].output.template_id"));

        List<MimeMessage> received = receivedBy(email);
        assertEquals(1, received.size());
        MimeMessage message = received.get(0);
        assertEquals(messageId, message.getMessageID());
        assertEquals("Welcome, Ada <Lovelace>!", message.getSubject());
        assertEquals("Triggerfish <triggers@crm.example.com>", message.getFrom()[0].toString());
        assertEquals("<p>Hello Ada &lt;Lovelace&gt;, welcome!</p>", part(message, "text/html").trim(), "values are HTML-escaped in HTML");
        assertEquals("Hello Ada <Lovelace>, welcome!", part(message, "text/plain").trim());
    }

    @Test
    void anAssignedUserIsEmailedWithThePriorityAndTheActionsOwnSubject() throws Exception {
        String type = "Mailed" + uid();
        String owner = "owner-" + uid();
        String address = owner + "@example.com";
        api().body(json("id", owner, "name", "Owner", "email", address, "roles", List.of())).post("/api/users").then().statusCode(200);
        int trigger = trigger(json("name", "mail the owner", "trigger_type", "model_created", "model_type", type,
                "action_configuration", object("actions", List.of(object("type", "send_email", "template_id", 5,
                        "recipient", "assigned_user", "priority", "urgent", "subject", "Look at {{entity.name}}")))));
        record(type, "id", "1", "name", "Initech renewal", "assigned_to", owner);

        JsonPath execution = awaitFinished(trigger, 1);
        assertEquals("completed", execution.getString("status"), execution.prettify());
        MimeMessage message = receivedBy(address).get(0);
        assertEquals("Look at Initech renewal", message.getSubject());
        assertEquals("1 (Highest)", message.getHeader("X-Priority")[0]);
        assertEquals("high", message.getHeader("Importance")[0]);
        assertEquals("Initech renewal has not moved for a week.", part(message, "text/plain").trim());
    }

    @Test
    void aCustomAddressAndABodyNeedNoTemplate() throws Exception {
        String type = "Custom" + uid();
        String address = "desk-" + uid() + "@example.com";
        int trigger = trigger(json("name", "custom", "trigger_type", "model_created", "model_type", type,
                "action_configuration", object("actions", List.of(object("type", "send_email", "recipient", "custom",
                        "custom_email", "{{entity.desk}}", "subject", "New {{entity_type}}", "body", "{{entity.name}} arrived")))));
        record(type, "id", "1", "name", "Umbrella", "desk", address);
        awaitFinished(trigger, 1);
        MimeMessage message = receivedBy(address).get(0);
        assertEquals("New " + type.toLowerCase(), message.getSubject());
        assertEquals("Umbrella arrived", part(message, "text/plain").trim());
    }

    @Test
    void whatCannotBeSentFailsAtOnceWithTheReason() {
        String type = "Unsendable" + uid();
        int missingTemplate = trigger(json("name", "no template", "trigger_type", "model_created", "model_type", type, "max_retries", 3,
                "action_configuration", object("actions", List.of(object("type", "send_email", "template_id", 987_654_321,
                        "recipient", "entity_email"), object("type", "add_tag", "tag", "never")))));
        record(type, "id", "1", "email", "nobody-" + uid() + "@example.com");
        JsonPath execution = awaitFinished(missingTemplate, 1);
        assertEquals("failed", execution.getString("status"));
        assertEquals(1, execution.getInt("attempt"), "not retried: it would fail the same way");
        assertTrue(execution.getString("steps[0].error").contains("template 987654321 does not exist"), execution.getString("steps[0].error"));

        String other = "NoAddress" + uid();
        int noAddress = trigger(json("name", "no address", "trigger_type", "model_created", "model_type", other,
                "action_configuration", object("actions", List.of(object("type", "send_email", "template_id", 1, "recipient", "entity_email")))));
        record(other, "id", "1", "email", "not-an-address");
        record(other, "id", "2");
        awaitFinished(noAddress, 2);
        List<String> errors = executions(noAddress).getList("data.error");
        assertTrue(errors.stream().anyMatch(e -> e.contains("is not an email address: not-an-address")), errors.toString());
        assertTrue(errors.stream().anyMatch(e -> e.contains("the record's email is empty")), errors.toString());
    }

    @Test
    void anEmailMayNotNameASecretNorAnUnknownRecipient() {
        api().body(json("name", "leak", "trigger_type", "manual", "action_configuration", object("actions", List.of(
                        object("type", "send_email", "recipient", "entity_email", "subject", "Token", "body", "{{api_token}}")))))
                .post("/api/event-triggers").then().statusCode(422)
                .body("errors[0].path", equalTo("action_configuration.actions[0].body"))
                .body("errors[0].message", containsString("uses the secret 'api_token'"));
        api().body(json("name", "who", "trigger_type", "manual", "action_configuration", object("actions", List.of(
                        object("type", "send_email", "recipient", "everyone", "subject", "Hi")))))
                .post("/api/event-triggers").then().statusCode(422)
                .body("errors[0].path", equalTo("action_configuration.actions[0].recipient"));
    }

    @Test
    void aMessageSentAgainAfterACrashBeforeItsCheckpointCarriesTheSameMessageId() throws Exception {
        String type = "Crash" + uid();
        String address = "crash-" + uid() + "@example.com";
        int trigger = trigger(json("name", "crash", "trigger_type", "model_created", "model_type", type,
                "action_configuration", object("actions", List.of(object("type", "send_email", "recipient", "custom",
                        "custom_email", address, "subject", "Once", "body", "Hello")))));
        record(type, "id", "1");
        long execution = awaitFinished(trigger, 1).getLong("id");
        // the replica died after the SMTP server accepted the message and before the step's checkpoint
        // committed: the step is not recorded and the execution is still held, by a lease that has run out
        sql("delete from execution_steps where execution_id = $1", execution);
        sql("""
                update trigger_executions set status = 'running', current_step = 0, claimed_by = 'crashed-replica',
                       lease_until = now() - interval '1 second', completed_at = null
                where id = $1""", execution);

        await().atMost(DEADLINE).until(() -> receivedBy(address).size() == 2);
        awaitFinished(trigger, 1);
        List<MimeMessage> received = receivedBy(address);
        assertEquals(received.get(0).getMessageID(), received.get(1).getMessageID(), "the repeat is recognisably the same message");
        assertEquals("<triggerfish." + execution + ".0@crm.example.com>", received.get(1).getMessageID());
    }
}
