package dev.triggerfish.trigger;

import dev.triggerfish.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;

import static dev.triggerfish.Api.api;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class TriggerApiTest {

    static List<String> specTriggers() {
        return SpecExamples.TRIGGERS;
    }

    static String simple(String name) {
        return """
                {"name": "%s", "trigger_type": "model_created", "model_type": "Widget",
                 "trigger_conditions": [{"field": "source", "operator": "equals", "value": "website_form"}],
                 "action_configuration": {"actions": [{"type": "add_tag", "tag": "new"}]}}""".formatted(name);
    }

    static int create(String body) {
        return api().body(body).post("/api/event-triggers").then().statusCode(201).extract().path("id");
    }

    @ParameterizedTest
    @MethodSource("specTriggers")
    void everySpecExampleIsStoredAndReturnedFieldForField(String name) {
        Map<String, Object> sent = SpecExamples.json(name);
        Response created = api().body(SpecExamples.text(name)).post("/api/event-triggers");
        created.then().statusCode(201)
                .header("Location", containsString("/api/event-triggers/"))
                .header("ETag", equalTo("\"0\""));
        Map<String, Object> stored = given().header("X-API-Key", "test-key").get(created.header("Location"))
                .then().statusCode(200).extract().as(Map.class);
        sent.forEach((key, value) -> assertEquals(value, stored.get(key), key));
        for (String key : List.of("rate_limiting", "allow_retries", "max_retries", "retry_configuration", "delay_minutes",
                "is_active", "debug_mode", "version", "created_at", "updated_at")) {
            assertTrue(stored.containsKey(key), key);
        }
        // other test classes share the database: this one's triggers must not fire on their records
        api().delete(created.header("Location")).then().statusCode(204);
    }

    @Test
    void specUpdatesOfRateLimitingRetriesAndDebugModeAreKept() {
        int id = create(SpecExamples.text("02-deal-negotiation-alert"));
        for (String update : SpecExamples.UPDATES) {
            Map<String, Object> sent = SpecExamples.json(update);
            Map<String, Object> stored = api().body(SpecExamples.text(update)).patch("/api/event-triggers/" + id)
                    .then().statusCode(200).extract().as(Map.class);
            sent.forEach((key, value) -> assertEquals(value, stored.get(key), key));
        }
        api().get("/api/event-triggers/" + id).then()
                .body("rate_limiting.burst_limit", equalTo(3))
                .body("retry_configuration.backoff_multiplier", equalTo(2))
                .body("debug_mode", equalTo(true))
                .body("trigger_conditions[0].operator", equalTo("changed_to"))
                .body("version", equalTo(3));
        api().delete("/api/event-triggers/" + id).then().statusCode(204);
    }

    @Test
    void invalidTriggerIsA422ProblemNamingEachBadField() {
        api().body("""
                        {"name": "bad", "trigger_type": "model_updated", "model_type": "Contact",
                         "trigger_conditions": [{"field": "x", "operator": "equal", "value": 1},
                                                {"group": [{"field": "d", "operator": "less_than", "value": "3 dayz ago"}]}],
                         "action_configuration": {"actions": [{"type": "webhook", "method": "POST"}, {"type": "teleport"}]}}""")
                .post("/api/event-triggers")
                .then().statusCode(422)
                .contentType("application/problem+json")
                .body("status", equalTo(422))
                .body("title", equalTo("Invalid trigger"))
                .body("errors.path", equalTo(List.of("trigger_conditions[0].operator", "trigger_conditions[1].group[0].value",
                        "action_configuration.actions[0].url", "action_configuration.actions[1].type")));
    }

    @Test
    void malformedJsonIsA400Problem() {
        api().body("{\"name\": ").post("/api/event-triggers")
                .then().statusCode(400).contentType("application/problem+json").body("status", equalTo(400));
        api().body("[1, 2]").post("/api/event-triggers")
                .then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void getUnknownIsA404Problem() {
        api().get("/api/event-triggers/99999999").then().statusCode(404)
                .contentType("application/problem+json").body("detail", containsString("99999999"));
    }

    @Test
    void listFiltersByTypeModelAndActiveAndPaginates() {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String modelType = "Tenant" + tag;
        for (int i = 0; i < 3; i++) {
            create(simple("list-" + i).replace("\"Widget\"", "\"App\\\\Models\\\\" + modelType + "\""));
        }
        int inactive = create(simple("list-inactive").replace("\"Widget\"", "\"" + modelType + "\""));
        api().post("/api/event-triggers/" + inactive + "/deactivate").then().statusCode(200).body("is_active", equalTo(false));

        api().queryParam("model_type", modelType).get("/api/event-triggers").then().statusCode(200)
                .body("total", equalTo(4)).body("data", hasSize(4));
        api().queryParam("model_type", modelType).queryParam("is_active", "true").get("/api/event-triggers").then()
                .body("total", equalTo(3)).body("data.is_active", everyItem(equalTo(true)));
        api().queryParam("model_type", modelType).queryParam("trigger_type", "model_created").queryParam("per_page", 2)
                .queryParam("page", 2).get("/api/event-triggers").then()
                .body("total", equalTo(4)).body("page", equalTo(2)).body("per_page", equalTo(2)).body("data", hasSize(2));
        api().queryParam("trigger_type", "time_based").get("/api/event-triggers").then()
                .body("data.trigger_type", everyItem(equalTo("time_based")));
        api().queryParam("trigger_type", "sometimes").get("/api/event-triggers").then().statusCode(400)
                .body("errors[0].path", equalTo("trigger_type"));
        api().queryParam("per_page", 1000).get("/api/event-triggers").then().statusCode(400)
                .body("errors[0].path", equalTo("per_page"));
    }

    @Test
    void fullAndPartialUpdatesValidateTheWholeTrigger() {
        int id = create(simple("update"));
        api().body(simple("replaced").replace("model_created", "model_updated")).put("/api/event-triggers/" + id)
                .then().statusCode(200).header("ETag", "\"1\"")
                .body("name", equalTo("replaced")).body("trigger_type", equalTo("model_updated")).body("version", equalTo(1));
        api().body("{\"trigger_conditions\": [{\"field\": \"a\", \"operator\": \"is_empty\"}], \"description\": \"d\"}")
                .patch("/api/event-triggers/" + id)
                .then().statusCode(200)
                .body("trigger_conditions", hasSize(1)).body("description", equalTo("d")).body("name", equalTo("replaced"));
        api().body("{\"description\": null}").patch("/api/event-triggers/" + id)
                .then().statusCode(200).body("description", nullValue());
        api().body("{\"action_configuration\": {\"actions\": []}}").patch("/api/event-triggers/" + id)
                .then().statusCode(422).body("errors[0].path", equalTo("action_configuration.actions"));
        api().get("/api/event-triggers/" + id).then().body("version", equalTo(3)).body("action_configuration.actions", hasSize(1));
    }

    @Test
    void staleIfMatchIsA412AndStaleBodyVersionA409() {
        int id = create(simple("etag"));
        api().header("If-Match", "\"0\"").body(simple("etag-1")).put("/api/event-triggers/" + id).then().statusCode(200);
        api().header("If-Match", "\"0\"").body(simple("etag-2")).put("/api/event-triggers/" + id).then().statusCode(412)
                .contentType("application/problem+json");
        api().header("If-Match", "\"0\"").delete("/api/event-triggers/" + id).then().statusCode(412);
        api().body("{\"version\": 0, \"name\": \"late\"}").patch("/api/event-triggers/" + id).then().statusCode(409);
        api().get("/api/event-triggers/" + id).then().body("name", equalTo("etag-1"));
    }

    @Test
    void concurrentUpdatesNeverLoseOneSilently() throws Exception {
        int id = create(simple("race"));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<Integer>> calls = new java.util.ArrayList<>();
            for (int i = 0; i < 16; i++) {
                String name = "race-" + i;
                calls.add(CompletableFuture.supplyAsync(() -> api().header("If-Match", "\"0\"")
                        .body("{\"name\": \"" + name + "\"}").patch("/api/event-triggers/" + id).statusCode(), pool));
            }
            List<Integer> statuses = calls.stream().map(CompletableFuture::join).toList();
            assertEquals(1, statuses.stream().filter(s -> s == 200).count(), statuses.toString());
            assertTrue(statuses.stream().allMatch(s -> s == 200 || s == 409 || s == 412), statuses.toString());
        } finally {
            pool.shutdownNow();
        }
        api().get("/api/event-triggers/" + id).then().body("version", equalTo(1));
    }

    @Test
    void activateDeactivateAndDelete() {
        int id = create(simple("lifecycle"));
        api().post("/api/event-triggers/" + id + "/deactivate").then().statusCode(200).body("is_active", equalTo(false));
        api().post("/api/event-triggers/" + id + "/activate").then().statusCode(200).body("is_active", equalTo(true));
        api().delete("/api/event-triggers/" + id).then().statusCode(204);
        api().get("/api/event-triggers/" + id).then().statusCode(404);
        api().delete("/api/event-triggers/" + id).then().statusCode(404);
    }

    @Test
    void theApiNeedsAKey() {
        given().get("/api/event-triggers").then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer");
        given().header("Authorization", "Bearer wrong").get("/api/event-triggers").then().statusCode(401);
        given().header("X-API-Key", "test-key").get("/api/event-triggers").then().statusCode(200);
    }

    @Test
    void explainSaysWhyATriggerDoesNotFire() {
        int id = create(SpecExamples.text("02-deal-negotiation-alert"));
        api().body("""
                        {"event": "updated", "entity_type": "Deal",
                         "record": {"stage": "negotiation", "value": 40000},
                         "previous": {"stage": "proposal", "value": 40000}}""")
                .post("/api/event-triggers/" + id + "/explain")
                .then().statusCode(200)
                .body("fires", equalTo(false))
                .body("reasons", hasItem("the conditions do not hold"))
                .body("conditions[1].field", equalTo("value"))
                .body("conditions[1].actual", equalTo(40000))
                .body("conditions[1].result", equalTo(false))
                .body("conditions[0].previous", equalTo("proposal"));
        api().body("""
                        {"event": "updated", "entity_type": "Deal",
                         "record": {"stage": "negotiation", "value": 60000},
                         "previous": {"stage": "proposal", "value": 60000}}""")
                .post("/api/event-triggers/" + id + "/explain")
                .then().statusCode(200).body("fires", equalTo(true)).body("reasons", hasSize(0));
        api().body("{\"event\": \"created\", \"record\": {\"stage\": \"negotiation\"}}")
                .post("/api/event-triggers/" + id + "/explain")
                .then().statusCode(200).body("fires", equalTo(false))
                .body("reasons", hasItem(containsString("does not fire on 'created' events")));
        api().body("{\"record\": 5}").post("/api/event-triggers/" + id + "/explain")
                .then().statusCode(400).body("errors[0].path", equalTo("record"));
        api().delete("/api/event-triggers/" + id).then().statusCode(204);
    }
}
