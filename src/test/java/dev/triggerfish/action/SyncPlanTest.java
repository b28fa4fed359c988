package dev.triggerfish.action;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** What {@code sync_to_external} sends where, and integrations configured the way the README shows: plain Java. */
class SyncPlanTest {

    private static IntegrationConfig configured(Map<String, String> environment) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withSources(new EnvConfigSource(environment, 300))
                .withConverter(Duration.class, 100, new DurationConverter()) // Quarkus's "10s" form
                .withMapping(IntegrationConfig.class)
                .build();
        return config.getConfigMapping(IntegrationConfig.class);
    }

    private static final IntegrationConfig CONFIG = configured(Map.of(
            "TRIGGERFISH_INTEGRATIONS_SALESFORCE_BASE_URL", "https://acme.my.salesforce.com/services/data/v59.0/",
            "TRIGGERFISH_INTEGRATIONS_SALESFORCE_OBJECT_PATH", "/sobjects/Contact",
            "TRIGGERFISH_INTEGRATIONS_SALESFORCE_AUTH_SECRET", "salesforce_token",
            "TRIGGERFISH_INTEGRATIONS_SALESFORCE_UPSERT_KEY", "Email",
            "TRIGGERFISH_INTEGRATIONS_HUBSPOT_BASE_URL", "https://api.hubapi.com",
            "TRIGGERFISH_INTEGRATIONS_HUBSPOT_OBJECT_PATH", "crm/v3/objects/contacts",
            "TRIGGERFISH_INTEGRATIONS_HUBSPOT_ENVELOPE", "properties",
            "TRIGGERFISH_INTEGRATIONS_HUBSPOT_UPDATE_METHOD", "put"));

    @Test
    void integrationsAreConfiguredByNameFromTheEnvironment() {
        IntegrationConfig.Integration salesforce = CONFIG.byName().get("salesforce");
        assertEquals("salesforce_token", salesforce.authSecret().orElseThrow());
        assertEquals("Bearer", salesforce.authScheme());
        assertEquals("id", salesforce.idField());
        assertEquals(Map.of("properties", Map.of("email", "a@example.com")),
                SyncToExternalAction.plan(CONFIG.byName().get("hubspot"), Map.of("email", "a@example.com"), null).body());
    }

    @Test
    void aRecordNotSyncedYetIsUpsertedByItsKeyOrCreated() {
        SyncToExternalAction.Write upsert = SyncToExternalAction.plan(CONFIG.byName().get("salesforce"),
                Map.of("Email", "ada+crm@example.com", "LastName", "Lovelace"), null);
        assertEquals(SyncToExternalAction.Operation.UPSERT, upsert.operation());
        assertEquals("PATCH", upsert.method());
        assertEquals("https://acme.my.salesforce.com/services/data/v59.0/sobjects/Contact/Email/ada%2Bcrm%40example.com", upsert.url());
        assertEquals(Map.of("LastName", "Lovelace"), upsert.body());

        SyncToExternalAction.Write create = SyncToExternalAction.plan(CONFIG.byName().get("salesforce"), Map.of("Email", " ", "LastName", "L"), null);
        assertEquals(SyncToExternalAction.Operation.CREATE, create.operation(), "an empty key identifies nothing");
        assertEquals("POST", create.method());
        assertEquals("https://acme.my.salesforce.com/services/data/v59.0/sobjects/Contact", create.url());
    }

    @Test
    void aSyncedRecordChangesTheObjectOfItsStoredId() {
        SyncToExternalAction.Write update = SyncToExternalAction.plan(CONFIG.byName().get("hubspot"), Map.of("email", "a@example.com"), "51/../7");
        assertEquals(SyncToExternalAction.Operation.UPDATE, update.operation());
        assertEquals("PUT", update.method());
        assertEquals("https://api.hubapi.com/crm/v3/objects/contacts/51%2F..%2F7", update.url(), "an id is one path segment");
    }

    @Test
    void theIdIsReadFromTheAnswerWhenItHasOne() {
        assertEquals("003A1", SyncToExternalAction.idIn("{\"id\": \"003A1\", \"success\": true}", "id"));
        assertEquals("51", SyncToExternalAction.idIn("{\"vid\": 51}", "vid"));
        assertNull(SyncToExternalAction.idIn("", "id"));
        assertNull(SyncToExternalAction.idIn("[{\"errorCode\": \"x\"}]", "id"));
    }
}
