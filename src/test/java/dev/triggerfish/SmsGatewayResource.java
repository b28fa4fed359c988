package dev.triggerfish;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * The SMS gateway of the test suite: a real HTTP server on loopback playing a Twilio-style gateway
 * ({@link #PATH}), configured as {@code triggerfish.sms.gateway-url}.
 */
public class SmsGatewayResource implements QuarkusTestResourceLifecycleManager {
    public static final String PATH = "/2010-04-01/Accounts/AC-test/Messages.json";
    private static volatile WebhookSink gateway;

    /** The running gateway, to read what it received and to script its answers. */
    public static WebhookSink gateway() {
        return gateway;
    }

    @Override
    public Map<String, String> start() {
        gateway = new WebhookSink();
        gateway.answerBody(PATH, "{\"sid\": \"SM-test-0001\", \"status\": \"queued\"}");
        return Map.of("triggerfish.sms.gateway-url", gateway.url(PATH), "triggerfish.sms.from", "+15550001111");
    }

    @Override
    public void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }
}
