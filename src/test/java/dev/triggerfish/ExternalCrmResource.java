package dev.triggerfish;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.HashMap;
import java.util.Map;

/**
 * The other CRM of the test suite ({@link ExternalCrm}), configured as two integrations:
 * {@code salesforce} (upserts by {@code Email}, one second to answer) and {@code hubspot} (fields in
 * {@code properties}, no upsert key), each with its token as a secret.
 */
public class ExternalCrmResource implements QuarkusTestResourceLifecycleManager {
    public static final String SALESFORCE_TOKEN = "test-salesforce-token-654";
    public static final String HUBSPOT_TOKEN = "test-hubspot-token-987";
    private static volatile ExternalCrm crm;

    /** The running server, to read what it holds and to script its answers. */
    public static ExternalCrm crm() {
        return crm;
    }

    @Override
    public Map<String, String> start() {
        crm = new ExternalCrm();
        Map<String, String> config = new HashMap<>();
        config.put("triggerfish.integrations.salesforce.base-url", crm.url() + "/services/data/v59.0");
        config.put("triggerfish.integrations.salesforce.object-path", "/sobjects/Contact");
        config.put("triggerfish.integrations.salesforce.auth-secret", "salesforce_token");
        config.put("triggerfish.integrations.salesforce.upsert-key", "Email");
        config.put("triggerfish.integrations.salesforce.timeout", "1s");
        config.put("triggerfish.integrations.hubspot.base-url", crm.url());
        config.put("triggerfish.integrations.hubspot.object-path", ExternalCrm.HUBSPOT);
        config.put("triggerfish.integrations.hubspot.auth-secret", "hubspot_token");
        config.put("triggerfish.integrations.hubspot.envelope", "properties");
        config.put("triggerfish.secret.salesforce_token", SALESFORCE_TOKEN);
        config.put("triggerfish.secret.hubspot_token", HUBSPOT_TOKEN);
        return config;
    }

    @Override
    public void stop() {
        if (crm != null) {
            crm.close();
        }
    }
}
