package dev.triggerfish.action;

import dev.triggerfish.EndToEnd;
import dev.triggerfish.ExternalCrm;
import dev.triggerfish.ExternalCrmResource;
import dev.triggerfish.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.triggerfish.Api.api;
import static dev.triggerfish.ExternalCrmResource.crm;
import static dev.triggerfish.JsonFixtures.json;
import static dev.triggerfish.JsonFixtures.object;
import static dev.triggerfish.JsonFixtures.read;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code sync_to_external} end to end, against a local HTTP server playing another CRM's API ({@link ExternalCrm}). */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = ExternalCrmResource.class, scope = TestResourceScope.GLOBAL)
class SyncDeliveryTest extends EndToEnd {

    private int syncTrigger(String triggerType, String type, String integration, Map<String, Object> mapping) {
        return trigger(json("name", "sync " + triggerType, "trigger_type", triggerType, "model_type", type, "max_retries", 2,
                "retry_configuration", object("delay_minutes", 0), "action_configuration", object("actions", List.of(
                        object("type", "sync_to_external", "integration", integration, "mapping", mapping)))));
    }

    private long eventsOf(String type, String id) {
        return sql("select count(*) as n from events where entity_type = $1 and entity_id = $2", type, id).iterator().next().getLong("n");
    }

    @Test
    void aNewRecordIsCreatedInTheOtherCrmAndItsLaterChangesUpdateThatObject() {
        String type = "Synced" + uid();
        String email = "ada-" + uid() + "@example.com";
        Map<String, Object> mapping = object("email", "{{entity.email}}", "firstname", "{{entity.first_name}}");
        int created = syncTrigger("model_created", type, "hubspot", mapping);
        int updated = syncTrigger("model_updated", type, "hubspot", mapping);
        record(type, "id", "1", "first_name", "Ada", "email", email);

        JsonPath first = awaitFinished(created, 1);
        assertEquals("completed", first.getString("status"), first.prettify());
        List<ExternalCrm.StoredObject> objects = crm().where("email", email);
        assertEquals(1, objects.size());
        assertEquals(Map.of("email", email, "firstname", "Ada"), objects.get(0).fields());
        String externalId = objects.get(0).id();
        assertEquals("create", first.getString("steps[0].output.operation"));
        assertEquals(externalId, first.getString("steps[0].output.external_id"));
        ExternalCrm.Received post = crm().at(ExternalCrm.HUBSPOT).stream().filter(r -> r.body().contains(email)).findFirst().orElseThrow();
        assertEquals("POST", post.method());
        assertEquals("Bearer " + ExternalCrmResource.HUBSPOT_TOKEN, post.headers().get("authorization"));
        assertEquals(first.getLong("id") + "-0", post.headers().get("idempotency-key"));
        assertEquals(Map.of("properties", Map.of("email", email, "firstname", "Ada")), read(post.body()));
        assertFalse(first.prettyPrint().contains(ExternalCrmResource.HUBSPOT_TOKEN), "no credential in the execution record");

        JsonPath stored = recordOf(type, "1");
        assertEquals(externalId, stored.getString("external_ids.hubspot"));
        assertEquals(1, stored.getInt("version"), "storing the external id is no change of the record");
        String canonical = stored.getString("type");
        assertEquals(1, eventsOf(canonical, "1"), "nor an event that triggers could fire on");

        update(type, "1", "first_name", "Augusta");
        JsonPath second = awaitFinished(updated, 1);
        assertEquals("completed", second.getString("status"), second.prettify());
        assertEquals("update", second.getString("steps[0].output.operation"));
        assertEquals("PATCH", second.getString("steps[0].request.method"));
        assertEquals(crm().url() + ExternalCrm.HUBSPOT + "/" + externalId, second.getString("steps[0].request.url"));
        assertEquals(List.of(objects.get(0).id()), crm().where("email", email).stream().map(ExternalCrm.StoredObject::id).toList(),
                "changed, not created again");
        assertEquals("Augusta", crm().where("email", email).get(0).fields().get("firstname"));
        assertEquals(2, eventsOf(canonical, "1"), "the user's update, and no event of the sync");
    }

    @Test
    void aCreateRepeatedAfterATimeoutUpsertsTheSameObjectOnce() {
        String type = "Upserted" + uid();
        String email = "grace-" + uid() + "@example.com";
        int trigger = syncTrigger("model_created", type, "salesforce",
                object("FirstName", "{{entity.first_name}}", "LastName", "{{entity.last_name}}", "Email", "{{entity.email}}"));
        // the other CRM stores the contact, and answers after the integration's one second: the call times out and is repeated
        crm().slowNext(1_500);
        record(type, "id", "1", "first_name", "Grace", "last_name", "Hopper", "email", email);

        JsonPath execution = awaitFinished(trigger, 1);
        assertEquals("completed", execution.getString("status"), execution.prettify());
        List<ExternalCrm.StoredObject> objects = crm().where("Email", email);
        assertEquals(1, objects.size(), "one contact, though the create was sent twice");
        assertEquals(Map.of("FirstName", "Grace", "LastName", "Hopper", "Email", email), objects.get(0).fields());
        List<ExternalCrm.Received> calls = crm().at(ExternalCrm.SALESFORCE + "/Email/" + email.replace("@", "%40"));
        assertEquals(2, calls.size());
        assertEquals(calls.get(0).headers().get("idempotency-key"), calls.get(1).headers().get("idempotency-key"));
        assertEquals("PATCH", calls.get(1).method());
        assertEquals("Bearer " + ExternalCrmResource.SALESFORCE_TOKEN, calls.get(1).headers().get("authorization"));
        assertEquals(Map.of("FirstName", "Grace", "LastName", "Hopper"), read(calls.get(1).body()), "the key is in the URL");
        assertEquals("upsert", execution.getString("steps[0].output.operation"));
        assertEquals(objects.get(0).id(), recordOf(type, "1").getString("external_ids.salesforce"));
    }

    @Test
    void aBusyCrmIsTriedAgainAfterItsRetryAfterAndARefusalFailsAtOnce() {
        String type = "Busy" + uid();
        String email = "busy-" + uid() + "@example.com";
        int trigger = syncTrigger("model_created", type, "hubspot", object("email", "{{entity.email}}"));
        crm().failNext(2, 503, "1", "{\"message\": \"try later\"}"); // the in-process retry meets the second
        record(type, "id", "1", "email", email);
        JsonPath retried = awaitFinished(trigger, 1);
        assertEquals("completed", retried.getString("status"), retried.prettify());
        assertEquals(2, retried.getInt("attempt"));
        assertEquals(1, crm().where("email", email).size());

        crm().failNext(1, 400, null, "{\"message\": \"Property values were not valid\"}");
        record(type, "id", "2", "email", "not-valid");
        awaitFinished(trigger, 2);
        JsonPath refused = api().get("/api/executions/" + executions(trigger).getLong("data[0].id")).then().statusCode(200).extract().jsonPath();
        assertEquals("failed", refused.getString("status"));
        assertEquals(1, refused.getInt("attempt"), "not retried: it would be refused again");
        assertEquals("HTTP 400 from the integration 'hubspot'", refused.getString("steps[0].error"));
        assertTrue(refused.getString("steps[0].output.response").contains("Property values were not valid"));
        assertFalse(refused.getBoolean("steps[0].output.retryable"));
        assertTrue(crm().where("email", "not-valid").isEmpty());
    }

    @Test
    void anIntegrationThatIsNotConfiguredFailsTheStepWithTheReason() {
        String type = "Nowhere" + uid();
        int trigger = syncTrigger("model_created", type, "pipedrive", object("name", "{{entity.name}}"));
        record(type, "id", "1", "name", "Umbrella");
        JsonPath execution = awaitFinished(trigger, 1);
        assertEquals("failed", execution.getString("status"));
        assertEquals(1, execution.getInt("attempt"));
        assertTrue(execution.getString("steps[0].error").contains("no integration named 'pipedrive' is configured"),
                execution.getString("steps[0].error"));
    }

    @Test
    void aMappingIsRequiredAndMayNotSendASecret() {
        api().body(json("name", "leak", "trigger_type", "manual", "action_configuration", object("actions", List.of(
                        object("type", "sync_to_external", "integration", "hubspot", "mapping", object("token", "{{api_token}}"))))))
                .post("/api/event-triggers").then().statusCode(422)
                .body("errors[0].path", equalTo("action_configuration.actions[0].mapping.token"))
                .body("errors[0].message", containsString("uses the secret 'api_token'"));
        api().body(json("name", "empty", "trigger_type", "manual", "action_configuration", object("actions", List.of(
                        object("type", "sync_to_external", "integration", "hubspot")))))
                .post("/api/event-triggers").then().statusCode(422)
                .body("errors[0].path", equalTo("action_configuration.actions[0].mapping"));
    }
}
