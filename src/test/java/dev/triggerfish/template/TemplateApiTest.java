package dev.triggerfish.template;

import dev.triggerfish.JsonFixtures;
import dev.triggerfish.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static dev.triggerfish.Api.api;
import static dev.triggerfish.JsonFixtures.json;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code /api/templates}: the spec's "Dynamic Content Templates", named by actions through template_id. */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class TemplateApiTest {

    /** An id far from any other test's, as a user picks 10 for the spec's welcome email. */
    private static int chosenId() {
        return ThreadLocalRandom.current().nextInt(1_000_000, 1_000_000_000);
    }

    private static String welcome(int id) {
        return json("id", id, "name", "Welcome email", "channel", "email", "subject", "Welcome, {{entity.first_name}}!",
                "html_body", "<p>Hello {{entity.first_name}}</p>", "text_body", "Hello {{entity.first_name}}");
    }

    @Test
    void aTemplateIsCreatedWithTheIdTheSpecNamesAndLaterOnesAreNumberedAfterIt() {
        int id = chosenId();
        api().body(welcome(id)).post("/api/templates").then().statusCode(201)
                .header("Location", containsString("/api/templates/" + id)).header("ETag", equalTo("\"0\""))
                .body("id", equalTo(id)).body("channel", equalTo("email")).body("subject", equalTo("Welcome, {{entity.first_name}}!"));
        api().body(welcome(id)).post("/api/templates").then().statusCode(409)
                .contentType("application/problem+json").body("detail", containsString("template " + id + " already exists"));
        int next = api().body(json("name", "Follow-up text", "channel", "sms", "text_body", "Hi {{entity.first_name}}, call us back?"))
                .post("/api/templates").then().statusCode(201).extract().jsonPath().getInt("id");
        assertTrue(next > id, "a generated id comes after every chosen one: " + next + " after " + id);

        api().get("/api/templates/" + id).then().statusCode(200).body("name", equalTo("Welcome email"));
        api().queryParam("channel", "sms").queryParam("per_page", 500).get("/api/templates").then().statusCode(200)
                .body("data.channel", everyItem(equalTo("sms"))).body("data.id", hasItem(next)).body("data.id", not(hasItem(id)));
        api().queryParam("channel", "fax").get("/api/templates").then().statusCode(400).body("errors[0].path", equalTo("channel"));
    }

    @Test
    void aReplacementNamesTheVersionItChangesAndEveryChangeIsAudited() {
        int id = chosenId();
        api().body(welcome(id)).post("/api/templates").then().statusCode(201);
        String renamed = json("name", "Welcome (v2)", "channel", "email", "subject", "Hi {{entity.first_name}}", "text_body", "Hi");
        api().header("If-Match", "\"0\"").body(renamed).put("/api/templates/" + id).then().statusCode(200)
                .header("ETag", equalTo("\"1\"")).body("name", equalTo("Welcome (v2)")).body("html_body", equalTo(null));
        api().header("If-Match", "\"0\"").body(renamed).put("/api/templates/" + id).then().statusCode(412);
        api().body(json("version", 0, "name", "stale", "channel", "sms", "text_body", "x")).put("/api/templates/" + id).then().statusCode(409);
        api().body(json("id", id + 1, "name", "x", "channel", "sms", "text_body", "x")).put("/api/templates/" + id).then().statusCode(422)
                .body("errors[0].path", equalTo("id"));
        assertEquals("Welcome (v2)", api().get("/api/templates/" + id).then().extract().path("name"), "refused changes change nothing");

        api().header("If-Match", "\"0\"").delete("/api/templates/" + id).then().statusCode(412);
        api().delete("/api/templates/" + id).then().statusCode(204);
        api().get("/api/templates/" + id).then().statusCode(404).contentType("application/problem+json");
        api().delete("/api/templates/" + id).then().statusCode(404);

        JsonPath audit = api().queryParam("entity_type", "template").queryParam("entity_id", String.valueOf(id)).get("/api/audit")
                .then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("deleted", "updated", "created"), audit.getList("data.action"));
    }

    @Test
    void badTemplatesAreRefusedWithTheFieldOfEachProblem() {
        api().body(json("subject", 3, "colour", "blue")).post("/api/templates").then().statusCode(422)
                .body("errors.path", equalTo(List.of("colour", "name", "channel", "subject")));
        api().body(json("name", "no body", "channel", "email", "subject", "Hi")).post("/api/templates").then().statusCode(422)
                .body("errors.path", equalTo(List.of("html_body")));
        api().body(json("name", "sms", "channel", "sms", "subject", "Hi", "text_body", "x")).post("/api/templates").then().statusCode(422)
                .body("errors.path", equalTo(List.of("subject")));
        api().body(json("name", "unclosed", "channel", "email", "subject", "Hi", "html_body", "{{#entity}}never closed"))
                .post("/api/templates").then().statusCode(422)
                .body("errors[0].path", equalTo("html_body")).body("errors[0].message", containsString("is not a valid template"));
        api().body(json("name", "leaks", "channel", "email", "subject", "Hi", "text_body", "Your token: {{api_token}}"))
                .post("/api/templates").then().statusCode(422)
                .body("errors[0].path", equalTo("text_body")).body("errors[0].message", containsString("secret 'api_token'"));
        api().body(json("id", -1, "name", "x", "channel", "sms", "text_body", "x")).post("/api/templates").then().statusCode(422)
                .body("errors[0].path", equalTo("id"));
        api().body("[]").post("/api/templates").then().statusCode(400);
    }

    @Test
    void aTriggerNamingATemplateThatDoesNotExistYetIsSavedWithAWarning() {
        int id = chosenId();
        String trigger = json("name", "welcome", "trigger_type", "manual", "action_configuration",
                JsonFixtures.object("actions", List.of(JsonFixtures.object("type", "send_email", "template_id", id, "recipient", "entity_email"))));
        int saved = api().body(trigger).post("/api/event-triggers").then().statusCode(201)
                .body("warnings[0].path", equalTo("action_configuration.actions[0].template_id"))
                .body("warnings[0].message", containsString("template " + id + " does not exist"))
                .extract().path("id");
        // an sms template of that id is not an email one
        api().body(json("id", id, "name", "text", "channel", "sms", "text_body", "hi")).post("/api/templates").then().statusCode(201);
        api().body(trigger).put("/api/event-triggers/" + saved).then().statusCode(200).body("warnings.size()", equalTo(1));
        api().body(json("name", "mail", "channel", "email", "subject", "Hi", "text_body", "hi")).put("/api/templates/" + id).then().statusCode(200);
        api().body(trigger).put("/api/event-triggers/" + saved).then().statusCode(200).body("$", not(org.hamcrest.Matchers.hasKey("warnings")));
        api().delete("/api/event-triggers/" + saved).then().statusCode(204);
    }
}
