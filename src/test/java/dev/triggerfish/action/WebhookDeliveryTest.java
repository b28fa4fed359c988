package dev.triggerfish.action;

import com.standardwebhooks.Webhook;
import dev.triggerfish.PostgresResource;
import dev.triggerfish.WebhookSink;
import dev.triggerfish.WithWebhookSink;
import dev.triggerfish.crm.ChangeOrigin;
import dev.triggerfish.support.JsonText;
import dev.triggerfish.template.Secrets;
import dev.triggerfish.template.TemplateRenderer;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static dev.triggerfish.Api.api;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Webhook steps against a real HTTP server on loopback: the call goes to the address that was checked
 * (names here resolve through a table in the test, never through DNS), refused targets get no
 * connection, and signed calls carry Standard Webhooks headers that verify.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class WebhookDeliveryTest extends WithWebhookSink {
    static final Duration DEADLINE = Duration.ofSeconds(20);
    static final AtomicLong EXECUTIONS = new AtomicLong(System.currentTimeMillis());

    @Inject
    WebhookAction webhook;

    @Inject
    TemplateRenderer templates;

    @Inject
    Secrets secrets;

    final AtomicInteger lookups = new AtomicInteger();
    WebhookConfig configured;

    @AfterEach
    void restore() {
        webhook.resolver = InetAddress::getAllByName;
        if (configured != null) {
            webhook.config = configured;
        }
    }

    /** Names of the *.example.invalid kind resolve to loopback through this table, and every lookup is counted. */
    void resolveTestNames() {
        webhook.resolver = host -> {
            lookups.incrementAndGet();
            if (host.endsWith(".example.invalid")) {
                return new InetAddress[] {InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1})};
            }
            throw new UnknownHostException(host + " (tests resolve no other name)");
        };
    }

    /** The guard as configured by default: internal addresses refused, except the allowed host. */
    void guardAsInProduction() {
        configured = webhook.config;
        WebhookConfig real = configured;
        webhook.config = (WebhookConfig) Proxy.newProxyInstance(WebhookConfig.class.getClassLoader(), new Class<?>[] {WebhookConfig.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "allowPrivateNetworks" -> false;
                    case "allowedHosts" -> Optional.of(List.of("allowed.example.invalid"));
                    default -> method.invoke(real, args);
                });
    }

    StepResult run(Map<String, Object> action, Map<String, Object> entity) {
        ActionContext ctx = new ActionContext(action, EXECUTIONS.incrementAndGet(), 0, 1, "deals", "d-1", ChangeOrigin.API,
                Map.of("entity", entity, "entity_id", "d-1"), templates);
        return webhook.execute(ctx).await().atMost(DEADLINE);
    }

    StepResult post(String url) {
        return run(Map.of("type", "webhook", "url", url), Map.of());
    }

    /** The sink's URL of {@code path} with another host. */
    static String at(String host, String path) {
        return sink.url(path).replace("127.0.0.1", host);
    }

    static int port() {
        return URI.create(sink.url("/")).getPort();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> recorded(StepResult result) {
        return (Map<String, Object>) result.output().get("request");
    }

    @Test
    void aNameIsResolvedOnceAndTheCallGoesToTheCheckedAddressWithTheNameAsHost() {
        resolveTestNames();
        String path = "/pinned/" + uid();
        StepResult result = post(at("hooks.example.invalid", path));

        assertEquals(StepResult.StepStatus.COMPLETED, result.status(), result.error());
        assertEquals(1, lookups.get(), "one lookup: the client connects to the checked address, it does not look the name up again");
        assertEquals("127.0.0.1", recorded(result).get("address"));
        WebhookSink.Received call = sink.at(path).get(0);
        assertEquals("hooks.example.invalid:" + port(), call.headers().get("host"));
    }

    @Test
    void internalTargetsAreRefusedWithoutAConnection() {
        resolveTestNames();
        guardAsInProduction();
        String path = "/internal/" + uid();
        for (String host : List.of("internal.example.invalid", "127.0.0.1", "[::127.0.0.1]", "[::ffff:127.0.0.1]", "[64:ff9b::7f00:1]",
                "[::1]")) {
            StepResult result = post(at(host, path));
            assertEquals(StepResult.StepStatus.FAILED, result.status(), host);
            assertTrue(result.error().startsWith("refused"), host + ": " + result.error());
        }
        assertTrue(sink.at(path).isEmpty(), "no request reached the target");

        StepResult allowed = post(at("allowed.example.invalid", path));
        assertEquals(StepResult.StepStatus.COMPLETED, allowed.status(), allowed.error());
        assertEquals(1, sink.at(path).size());
    }

    @Test
    void numericHostsInANonCanonicalSpellingAreRefusedAtRunTimeEvenWhereInternalAddressesAreAllowed() {
        resolveTestNames();
        String path = "/misspelled/" + uid();
        for (String host : List.of("0177.0.0.1", "127.1", "2130706433", "0x7f.1", "127.0.0.01", "0x7f000001")) {
            StepResult result = run(Map.of("type", "webhook", "url", "http://{{entity.host}}:" + port() + path), Map.of("host", host));
            assertEquals(StepResult.StepStatus.FAILED, result.status(), host);
            assertTrue(result.error().contains("non-canonical"), host + ": " + result.error());
        }
        assertEquals(0, lookups.get(), "no lookup either");
        assertTrue(sink.at(path).isEmpty());
    }

    @Test
    void aSignedWebhookCarriesStandardWebhooksHeadersThatVerify() throws Exception {
        String path = "/signed/" + uid();
        StepResult result = run(Map.of("type", "webhook", "url", sink.url(path), "signing_secret", "hooks_signing",
                "body", Map.of("id", "{{entity_id}}", "amount", 5000)), Map.of());

        assertEquals(StepResult.StepStatus.COMPLETED, result.status(), result.error());
        WebhookSink.Received call = sink.at(path).get(0);
        String secret = secrets.values().get("hooks_signing");
        assertEquals(call.headers().get("idempotency-key"), call.headers().get("webhook-id"), "webhook-id is the step's idempotency key");
        long timestamp = Long.parseLong(call.headers().get("webhook-timestamp"));
        assertTrue(Math.abs(Instant.now().getEpochSecond() - timestamp) < 60);
        assertTrue(WebhookSignature.verify(secret, call.headers().get("webhook-id"), call.headers().get("webhook-timestamp"), call.body(),
                call.headers().get("webhook-signature")));
        new Webhook(secret).verify(call.body(), headersOf(call));

        String recordedJson = JsonText.write(result.output());
        assertEquals("***", ((Map<?, ?>) recorded(result).get("headers")).get("webhook-signature"));
        assertEquals("hooks_signing", recorded(result).get("signed_with"));
        assertFalse(recordedJson.contains(call.headers().get("webhook-signature")));
        assertFalse(recordedJson.contains(secret.substring(6, 20)));
    }

    @Test
    void whileRotatingEverySecretSignsAndEitherVerifies() throws Exception {
        String path = "/rotating/" + uid();
        StepResult result = run(Map.of("type", "webhook", "url", sink.url(path), "signing_secret", "hooks_rotating", "body", "plain text"),
                Map.of());

        assertEquals(StepResult.StepStatus.COMPLETED, result.status(), result.error());
        WebhookSink.Received call = sink.at(path).get(0);
        String[] both = secrets.values().get("hooks_rotating").split(" ");
        assertEquals(2, call.headers().get("webhook-signature").split(" ").length);
        for (String one : both) {
            new Webhook(one).verify(call.body(), headersOf(call));
        }
    }

    @Test
    void aTargetConfiguredForSigningIsSignedWithItsSecret() throws Exception {
        resolveTestNames();
        String path = "/target-signed/" + uid();
        StepResult result = post(at("signed.example.invalid", path));

        assertEquals(StepResult.StepStatus.COMPLETED, result.status(), result.error());
        WebhookSink.Received call = sink.at(path).get(0);
        new Webhook(secrets.values().get("hooks_target")).verify("", headersOf(call));
        assertEquals("hooks_target", recorded(result).get("signed_with"));
    }

    @Test
    void everyAttemptCarriesTheSameWebhookIdAndItsOwnValidSignature() throws Exception {
        String path = "/signed-retry/" + uid();
        sink.failFirst(path, 1, 503, null);
        StepResult result = run(Map.of("type", "webhook", "url", sink.url(path), "signing_secret", "hooks_signing", "body", Map.of("n", 1)),
                Map.of());

        assertEquals(StepResult.StepStatus.COMPLETED, result.status(), result.error());
        List<WebhookSink.Received> calls = sink.at(path);
        assertEquals(2, calls.size(), "the quick in-process retry");
        assertEquals(calls.get(0).headers().get("webhook-id"), calls.get(1).headers().get("webhook-id"));
        for (WebhookSink.Received call : calls) {
            new Webhook(secrets.values().get("hooks_signing")).verify(call.body(), headersOf(call));
        }
    }

    @Test
    void aSigningSecretThatIsNotConfiguredFailsTheStepWithoutACall() {
        String path = "/unsigned/" + uid();
        StepResult result = run(Map.of("type", "webhook", "url", sink.url(path), "signing_secret", "nowhere"), Map.of());
        assertEquals(StepResult.StepStatus.FAILED, result.status());
        assertTrue(result.error().contains("'nowhere' is not configured"), result.error());
        assertTrue(sink.at(path).isEmpty());
    }

    @Test
    void savingAMisspelledNumericHostOrAnUnknownSigningSecretIsA422NamingTheField() {
        String name = "refused " + uid();
        api().body("""
                        {"name": "%s", "trigger_type": "model_created", "model_type": "deals",
                         "action_configuration": {"actions": [
                           {"type": "webhook", "url": "http://0177.0.0.1/hook"},
                           {"type": "webhook", "url": "http://[::ffff:127.1]/hook"},
                           {"type": "webhook", "url": "https://hooks.example.com/x", "signing_secret": "nowhere"},
                           {"type": "webhook", "url": "https://hooks.example.com/x", "signing_secret": "not_a_signing_key"},
                           {"type": "webhook", "url": "https://hooks.example.com/x", "signing_secret": "hooks_signing"}]}}""".formatted(name))
                .post("/api/event-triggers")
                .then().statusCode(422)
                .contentType("application/problem+json")
                .body("errors.path", equalTo(List.of("action_configuration.actions[0].url", "action_configuration.actions[1].url",
                        "action_configuration.actions[2].signing_secret", "action_configuration.actions[3].signing_secret")));
        List<String> names = api().queryParam("per_page", 100).get("/api/event-triggers").then().statusCode(200).extract().jsonPath()
                .getList("data.name");
        assertFalse(names.contains(name), "nothing stored");
    }

    @Test
    void aTriggersSignedWebhookVerifiesAtTheTargetAndIsRecordedRedacted() throws Exception {
        String type = "signed_" + uid();
        String path = "/trigger-signed/" + type;
        int trigger = api().body("""
                        {"name": "signed webhook", "trigger_type": "model_created", "model_type": "%s",
                         "action_configuration": {"actions": [{"type": "webhook", "url": "%s", "signing_secret": "hooks_signing",
                                                               "body": {"id": "{{entity_id}}"}}]}}""".formatted(type, sink.url(path)))
                .post("/api/event-triggers").then().statusCode(201).extract().path("id");
        triggers.add(trigger);
        api().body("{\"id\": \"r-1\"}").post("/api/records/" + type).then().statusCode(201);

        await().atMost(DEADLINE).until(() -> !sink.at(path).isEmpty());
        WebhookSink.Received call = sink.at(path).get(0);
        new Webhook(secrets.values().get("hooks_signing")).verify(call.body(), headersOf(call));
        assertEquals("{\"id\":\"r-1\"}", call.body());

        await().atMost(DEADLINE).until(() -> "completed".equals(executions(trigger).getString("data[0].status")));
        long execution = executions(trigger).getLong("data[0].id");
        JsonPath steps = api().get("/api/executions/" + execution).then().statusCode(200).extract().jsonPath();
        assertEquals(execution + "-0", call.headers().get("webhook-id"));
        assertEquals("***", steps.getString("steps[0].request.headers.'webhook-signature'"));
        assertNull(steps.getString("steps[0].request.headers.'webhook-timestamp'"));
        assertEquals(execution + "-0", steps.getString("steps[0].request.headers.'webhook-id'"));
        assertEquals("hooks_signing", steps.getString("steps[0].request.signed_with"));
    }

    static JsonPath executions(int trigger) {
        return api().get("/api/event-triggers/" + trigger + "/executions").then().statusCode(200).extract().jsonPath();
    }

    static Map<String, List<String>> headersOf(WebhookSink.Received call) {
        return Map.of("webhook-id", List.of(call.headers().get("webhook-id")),
                "webhook-timestamp", List.of(call.headers().get("webhook-timestamp")),
                "webhook-signature", List.of(call.headers().get("webhook-signature")));
    }
}
