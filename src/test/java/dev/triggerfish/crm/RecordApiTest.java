package dev.triggerfish.crm;

import dev.triggerfish.PostgresResource;
import dev.triggerfish.trigger.SpecExamples;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static dev.triggerfish.Api.api;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class RecordApiTest {

    static String unique() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void createGetUpdatePatchDelete() {
        String id = "c-" + unique();
        api().body("{\"id\": \"" + id + "\", \"first_name\": \"Ada\", \"email\": \"ada@example.com\", \"score\": 80,"
                        + " \"tags\": [\"prospect\"], \"assigned_to\": \"u1\"}")
                .post("/api/records/contacts")
                .then().statusCode(201)
                .header("Location", equalTo(io.restassured.RestAssured.baseURI + ":" + io.restassured.RestAssured.port + "/api/records/contacts/" + id))
                .header("ETag", "\"1\"")
                .body("id", equalTo(id)).body("type", equalTo("contact")).body("first_name", equalTo("Ada"))
                .body("tags", equalTo(List.of("prospect"))).body("assigned_to", equalTo("u1")).body("version", equalTo(1));
        // Contact, contacts and App\Models\Contact are one type
        api().get("/api/records/Contact/" + id).then().statusCode(200).body("score", equalTo(80)).body("created_at", notNullValue());
        api().body("{\"first_name\": \"Ada\", \"last_name\": \"Lovelace\"}").put("/api/records/contact/" + id)
                .then().statusCode(200).body("last_name", equalTo("Lovelace")).body("score", nullValue())
                .body("tags", hasSize(0)).body("version", equalTo(2));
        api().body("{\"score\": 91, \"last_name\": null, \"tags\": [\"vip\", \"vip\"]}")
                .header("If-Match", "\"2\"").patch("/api/records/contacts/" + id)
                .then().statusCode(200).body("score", equalTo(91)).body("last_name", nullValue())
                .body("first_name", equalTo("Ada")).body("tags", equalTo(List.of("vip"))).body("version", equalTo(3));
        api().body("{\"score\": 1}").header("If-Match", "\"2\"").patch("/api/records/contacts/" + id)
                .then().statusCode(412).contentType("application/problem+json");
        api().delete("/api/records/contacts/" + id).then().statusCode(204);
        api().get("/api/records/contacts/" + id).then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void serverChosenIdsAndDuplicateIds() {
        String id = api().body("{\"name\": \"Acme\"}").post("/api/records/companies")
                .then().statusCode(201).body("id", notNullValue()).extract().path("id");
        api().body("{\"id\": \"" + id + "\", \"name\": \"Again\"}").post("/api/records/companies")
                .then().statusCode(409).contentType("application/problem+json");
        api().body("{\"id\": 12.5}").post("/api/records/companies").then().statusCode(422).body("errors[0].path", equalTo("id"));
        api().body("{\"tags\": \"vip\"}").post("/api/records/companies").then().statusCode(422).body("errors[0].path", equalTo("tags"));
        api().body("{}").post("/api/records/not-a-type").then().statusCode(400).body("errors[0].path", equalTo("type"));
    }

    @Test
    void listIsPaginated() {
        String type = "widget" + unique().replace("-", "");
        for (int i = 0; i < 5; i++) {
            api().body("{\"n\": " + i + "}").post("/api/records/" + type).then().statusCode(201);
        }
        api().queryParam("per_page", 2).queryParam("page", 3).get("/api/records/" + type)
                .then().statusCode(200).body("total", equalTo(5)).body("data", hasSize(1)).body("data[0].n", equalTo(4));
        api().queryParam("page", 9).get("/api/records/" + type)
                .then().statusCode(200).body("total", equalTo(5)).body("data", hasSize(0));
        api().queryParam("page", 0).get("/api/records/" + type).then().statusCode(400).body("errors[0].path", equalTo("page"));
    }

    @Test
    void conditionsReachRelatedRecordsThroughTheirIds() {
        String company = "co-" + unique();
        api().body("{\"id\": \"" + company + "\", \"name\": \"Initech\", \"industry\": \"technology\", \"employee_count\": 120}")
                .post("/api/records/companies").then().statusCode(201);
        String contact = "ct-" + unique();
        api().body("{\"id\": \"" + contact + "\", \"score\": 80, \"source\": \"email\", \"company_id\": \"" + company + "\"}")
                .post("/api/records/contacts").then().statusCode(201);
        int trigger = api().body(SpecExamples.text("10-conditional-logic")).post("/api/event-triggers")
                .then().statusCode(201).extract().path("id");
        api().body("{\"event\": \"updated\", \"entity_type\": \"contacts\", \"entity_id\": \"" + contact + "\","
                        + " \"previous\": {\"score\": 10}}")
                .post("/api/event-triggers/" + trigger + "/explain")
                .then().statusCode(200)
                .body("fires", equalTo(true))
                .body("conditions[2].field", equalTo("company.industry"))
                .body("conditions[2].actual", equalTo("technology"))
                .body("conditions[2].result", equalTo(true));
        api().body("{\"industry\": \"retail\"}").patch("/api/records/companies/" + company).then().statusCode(200);
        api().body("{\"event\": \"updated\", \"entity_type\": \"contacts\", \"entity_id\": \"" + contact + "\", \"previous\": {}}")
                .post("/api/event-triggers/" + trigger + "/explain")
                .then().statusCode(200).body("fires", equalTo(false)).body("reasons", hasItem("the conditions do not hold"))
                .body("conditions[2].actual", not(equalTo("technology")));
        api().delete("/api/event-triggers/" + trigger).then().statusCode(204);
    }
}
