package dev.triggerfish.cadence;

import dev.triggerfish.EndToEnd;
import dev.triggerfish.JsonFixtures;
import dev.triggerfish.PostgresResource;
import dev.triggerfish.SmtpResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.triggerfish.Api.api;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cadences and {@code add_to_cadence}: enrolments are rows with their next step and time, and a test
 * clock ({@link CadenceClock#runDue} with an instant of its own) runs steps due days from now.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = SmtpResource.class, scope = TestResourceScope.GLOBAL)
class CadenceTest extends EndToEnd {
    @Inject
    CadenceClock clock;

    private final List<Integer> cadences = new ArrayList<>();

    /** An email template of this class's own (a generated id: another class may have taken the spec's ids for other channels). */
    private static int welcome;

    @BeforeEach
    void template() {
        if (welcome == 0) {
            welcome = api().body("{\"name\": \"Cadence welcome\", \"channel\": \"email\", \"subject\": \"Welcome, {{entity.first_name}}!\","
                    + " \"text_body\": \"Hello {{entity.first_name}}\"}").post("/api/templates").then().statusCode(201).extract().path("id");
        }
    }

    @AfterEach
    void deleteCadences() {
        cadences.forEach(id -> api().delete("/api/cadences/" + id));
        cadences.clear();
    }

    private int cadence(String body) {
        int id = api().body(body).post("/api/cadences").then().statusCode(201).extract().path("id");
        cadences.add(id);
        return id;
    }

    /** A manual trigger whose one action enrols its record: {@code add_to_cadence} with the given extra fields. */
    private int enroller(int cadence, String extra) {
        return trigger("""
                {"name": "enrols in %d", "trigger_type": "manual", "action_configuration": {"actions": [
                  {"type": "add_to_cadence", "cadence_id": %d%s}]}}""".formatted(cadence, cadence, extra));
    }

    /** Runs the trigger for a contact and answers its execution once finished. */
    private JsonPath enrol(int trigger, String contact) {
        long id = api().body("{\"entity_type\": \"Contact\", \"entity_id\": \"%s\"}".formatted(contact))
                .post("/api/event-triggers/" + trigger + "/execute").then().statusCode(202).extract().jsonPath().getLong("execution_id");
        await().atMost(DEADLINE).until(() -> List.of("completed", "failed").contains(execution(id).getString("status")));
        return execution(id);
    }

    private JsonPath execution(long id) {
        return api().get("/api/executions/" + id).then().statusCode(200).extract().jsonPath();
    }

    private JsonPath enrolment(int cadence, long enrolment) {
        JsonPath list = api().get("/api/cadences/" + cadence + "/enrolments?per_page=500").then().statusCode(200).extract().jsonPath();
        return JsonPath.from(JsonFixtures.text(list.getMap("data.find { it.id == " + enrolment + " }")));
    }

    /** The test clock: every step due at {@code at} runs now. */
    private void tick(OffsetDateTime at) {
        for (int i = 0; i < 20 && clock.runDue(at).await().atMost(Duration.ofSeconds(10)) > 0; i++) {
            // another batch may be due
        }
    }

    private long stepExecutions(long enrolment) {
        return sql("select count(*) from trigger_executions where cadence_enrolment_id = $1", enrolment).iterator().next().getLong(0);
    }

    private void awaitStepsCompleted(long enrolment, int n) {
        await().atMost(DEADLINE).until(() -> sql("select count(*) from trigger_executions where cadence_enrolment_id = $1 and status = 'completed'",
                enrolment).iterator().next().getLong(0) == n);
    }

    private static List<MimeMessage> mailTo(String address) {
        return Arrays.stream(SmtpResource.server().getReceivedMessages()).filter(m -> {
            try {
                return Arrays.stream(m.getRecipients(Message.RecipientType.TO)).anyMatch(a -> a.toString().equals(address));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }).toList();
    }

    private static final String TWO_EMAILS = """
            {"name": "Welcome series", "steps": [
              {"action": {"type": "send_email", "template_id": %1$d, "recipient": "entity_email"}, "delay_hours": 0},
              {"action": {"type": "send_email", "template_id": %1$d, "recipient": "entity_email", "subject": "Still there, {{entity.first_name}}?"},
               "delay_hours": 48}]%2$s}""";

    @Test
    void aCadenceRunsItsSecondStepWhenTheClockReachesItsTwoDayDelay() throws Exception {
        int cadence = cadence(TWO_EMAILS.formatted(welcome, ""));
        int trigger = enroller(cadence, ", \"start_step\": 1, \"delay_hours\": 0");
        String contact = "cd-" + uid();
        String email = contact + "@example.com";
        record("contacts", "id", contact, "first_name", "Ada", "email", email);

        JsonPath enrolled = enrol(trigger, contact);
        assertEquals("completed", enrolled.getString("status"));
        assertEquals(true, enrolled.getBoolean("steps[0].output.enrolled"));
        long enrolment = enrolled.getLong("steps[0].output.enrolment_id");
        OffsetDateTime start = OffsetDateTime.now();
        tick(start);
        awaitStepsCompleted(enrolment, 1);
        await().atMost(DEADLINE).until(() -> mailTo(email).size() == 1);
        assertEquals("Welcome, Ada!", mailTo(email).get(0).getSubject());

        JsonPath waiting = enrolment(cadence, enrolment);
        assertEquals("active", waiting.getString("status"));
        assertEquals(2, waiting.getInt("next_step"));
        OffsetDateTime due = OffsetDateTime.parse(waiting.getString("next_at"));
        assertTrue(due.isAfter(start.plusHours(47)) && due.isBefore(start.plusHours(49)), "step 2 is due in 48 hours: " + due);

        tick(start.plusHours(47));
        assertEquals(1, stepExecutions(enrolment), "not due yet");
        tick(start.plusHours(49));
        awaitStepsCompleted(enrolment, 2);
        await().atMost(DEADLINE).until(() -> mailTo(email).size() == 2);
        assertEquals("Still there, Ada?", mailTo(email).get(1).getSubject());
        JsonPath done = enrolment(cadence, enrolment);
        assertEquals("completed", done.getString("status"));
        assertEquals(List.of(1, 2), done.getList("executions.step"));
        JsonPath second = execution(done.getLong("executions[1].execution_id"));
        assertEquals(enrolment, second.getLong("cadence_enrolment_id"));
        assertEquals(2, second.getInt("cadence_step"));
        assertEquals(trigger, second.getInt("trigger_id"));
        assertEquals(List.of("send_email"), second.getList("steps.action_type"));
    }

    @Test
    void aRecordThatMeetsTheExitConditionsIsNotEmailedAgain() {
        int cadence = cadence(TWO_EMAILS.formatted(welcome, ", \"exit_conditions\": [{\"field\": \"replied\", \"operator\": \"equals\", \"value\": true}]"));
        int trigger = enroller(cadence, "");
        String contact = "cx-" + uid();
        String email = contact + "@example.com";
        record("contacts", "id", contact, "first_name", "Grace", "email", email, "replied", false);
        long enrolment = enrol(trigger, contact).getLong("steps[0].output.enrolment_id");
        OffsetDateTime start = OffsetDateTime.now();
        tick(start);
        awaitStepsCompleted(enrolment, 1);

        update("contacts", contact, "replied", true);
        tick(start.plusHours(49));
        JsonPath ended = enrolment(cadence, enrolment);
        assertEquals("exited", ended.getString("status"));
        assertTrue(ended.getString("end_reason").contains("exit_conditions"), ended.getString("end_reason"));
        assertNull(ended.get("next_step"));
        assertEquals(1, stepExecutions(enrolment));
        assertEquals(1, mailTo(email).size(), "a contact that replied is not emailed again");
    }

    @Test
    void enrollingAgainIsANoOpThatSaysSo() {
        int cadence = cadence(TWO_EMAILS.formatted(welcome, ""));
        int trigger = enroller(cadence, ", \"delay_hours\": 24");
        String contact = "ca-" + uid();
        record("contacts", "id", contact, "email", contact + "@example.com");
        JsonPath first = enrol(trigger, contact);
        JsonPath second = enrol(trigger, contact);
        assertEquals(true, first.getBoolean("steps[0].output.enrolled"));
        assertEquals("completed", second.getString("steps[0].status"));
        assertEquals(false, second.getBoolean("steps[0].output.enrolled"));
        assertEquals(first.getLong("steps[0].output.enrolment_id"), second.getLong("steps[0].output.enrolment_id"));
        assertTrue(second.getString("steps[0].output.reason").contains("already enrolled"));
        api().get("/api/cadences/" + cadence + "/enrolments?status=active").then().statusCode(200).body("total", equalTo(1));
    }

    @Test
    void startStepAndDelayHoursPlaceTheFirstStepThreeDaysAheadInADurableRow() {
        String path = "/cadence/" + uid();
        int cadence = cadence("""
                {"name": "Three steps", "steps": [
                  {"action": {"type": "webhook", "url": "%1$s/1"}},
                  {"action": {"type": "webhook", "url": "%1$s/2", "body": {"step": "{{context.step}}", "id": "{{entity_id}}"}}, "delay_hours": 1},
                  {"action": {"type": "webhook", "url": "%1$s/3"}, "delay_hours": 24}]}""".formatted(sink.url(path)));
        int trigger = enroller(cadence, ", \"start_step\": 2, \"delay_hours\": 72");
        String contact = "cs-" + uid();
        record("contacts", "id", contact, "name", "Later");
        OffsetDateTime start = OffsetDateTime.now();
        long enrolment = enrol(trigger, contact).getLong("steps[0].output.enrolment_id");

        JsonPath row = enrolment(cadence, enrolment);
        assertEquals(2, row.getInt("next_step"));
        OffsetDateTime due = OffsetDateTime.parse(row.getString("next_at"));
        assertTrue(due.isAfter(start.plusHours(71)) && due.isBefore(start.plusHours(73)), "due in three days: " + due);
        assertEquals(1L, sql("select count(*) from cadence_enrolments where id = $1 and next_step = 2 and next_at > now() + interval '71 hours'",
                enrolment).iterator().next().getLong(0), "the step due in three days is a row: it survives any restart");

        tick(start.plusHours(71));
        assertEquals(0, stepExecutions(enrolment));
        tick(start.plusHours(73));
        awaitStepsCompleted(enrolment, 1);
        assertEquals(List.of(), sink.at(path + "/1"), "start_step 2 skips step 1");
        assertEquals(java.util.Map.of("step", "2", "id", contact), JsonFixtures.read(sink.at(path + "/2").get(0).body()));
        JsonPath next = enrolment(cadence, enrolment);
        assertEquals(3, next.getInt("next_step"));
    }

    @Test
    void anEnrolmentEndsWhenDeletedAndWhenItsRecordIsDeleted() {
        String path = "/cadence/" + uid();
        int cadence = cadence("{\"name\": \"Ends\", \"steps\": [{\"action\": {\"type\": \"webhook\", \"url\": \"%s\"}, \"delay_hours\": 2}]}"
                .formatted(sink.url(path)));
        int trigger = enroller(cadence, "");
        String kept = "ce-" + uid();
        String gone = "cg-" + uid();
        record("contacts", "id", kept, "name", "Kept");
        record("contacts", "id", gone, "name", "Gone");
        long asked = enrol(trigger, kept).getLong("steps[0].output.enrolment_id");
        long deleted = enrol(trigger, gone).getLong("steps[0].output.enrolment_id");

        api().delete("/api/cadences/" + cadence + "/enrolments/" + asked).then().statusCode(200)
                .body("status", equalTo("cancelled")).body("next_at", equalTo(null));
        api().delete("/api/records/contacts/" + gone).then().statusCode(204);
        tick(OffsetDateTime.now().plusHours(3));

        assertEquals(0, stepExecutions(asked));
        assertEquals(0, stepExecutions(deleted));
        JsonPath ended = enrolment(cadence, deleted);
        assertEquals("cancelled", ended.getString("status"));
        assertTrue(ended.getString("end_reason").contains("was deleted"), ended.getString("end_reason"));
        assertEquals(List.of(), sink.at(path));
        api().delete("/api/cadences/" + cadence + "/enrolments/987654321").then().statusCode(404);
    }

    @Test
    void aCadenceIsCheckedStepByStep() {
        api().body("""
                {"name": "bad", "steps": [{"action": {"type": "add_tag"}}, {"action": {"type": "add_tag", "tag": "x"}, "delay_hours": -1, "wait": 1}],
                 "exit_conditions": [{"field": "stage", "operator": "changed_to", "value": "won"}]}""")
                .post("/api/cadences").then().statusCode(422)
                .body("errors.path", hasItem("steps[0].action.tag"))
                .body("errors.path", hasItem("steps[1].delay_hours"))
                .body("errors.path", hasItem("steps[1].wait"))
                .body("errors.path", hasItem("exit_conditions[0].operator"));
        api().body("{\"name\": \"no steps\", \"steps\": []}").post("/api/cadences").then().statusCode(422).body("errors.path", hasItem("steps"));
        int id = cadence("{\"id\": 2, \"name\": \"Spec's cadence 2\", \"steps\": [{\"action\": {\"type\": \"add_tag\", \"tag\": \"nurture\"}}]}");
        assertEquals(2, id);
        api().get("/api/cadences/2").then().statusCode(200).body("steps[0].delay_hours", equalTo(0)).body("exit_conditions", equalTo(List.of()));
        assertFalse(api().get("/api/cadences").then().statusCode(200).extract().jsonPath().getList("data.id").isEmpty());
    }
}
