package dev.triggerfish.action;

import dev.triggerfish.EndToEnd;
import dev.triggerfish.PostgresResource;
import dev.triggerfish.SmsGatewayResource;
import dev.triggerfish.WebhookSink;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

import static dev.triggerfish.Api.api;
import static dev.triggerfish.JsonFixtures.json;
import static dev.triggerfish.JsonFixtures.object;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code send_sms} end to end, against a local HTTP server playing a Twilio-style gateway. */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = SmsGatewayResource.class, scope = TestResourceScope.GLOBAL)
class SmsDeliveryTest extends EndToEnd {

    private static String number() {
        return "+1415" + ThreadLocalRandom.current().nextInt(1_000_000, 9_999_999);
    }

    /** The form fields of the messages the gateway received for {@code to}. */
    private static List<Map<String, String>> sentTo(String to) {
        return SmsGatewayResource.gateway().at(SmsGatewayResource.PATH).stream()
                .map(WebhookSink.Received::body).map(SmsDeliveryTest::form).filter(f -> to.equals(f.get("To"))).toList();
    }

    private static Map<String, String> form(String body) {
        return Arrays.stream(body.split("&")).map(p -> p.split("=", 2)).collect(Collectors.toMap(
                p -> URLDecoder.decode(p[0], StandardCharsets.UTF_8), p -> URLDecoder.decode(p.length > 1 ? p[1] : "", StandardCharsets.UTF_8)));
    }

    private int smsTrigger(String type, Map<String, Object> action) {
        Map<String, Object> sms = object("type", "send_sms");
        sms.putAll(action);
        return trigger(json("name", "sms", "trigger_type", "model_created", "model_type", type, "max_retries", 2,
                "retry_configuration", object("delay_minutes", 0), "action_configuration", object("actions", List.of(sms))));
    }

    @Test
    void aTemplateIsTextedToTheRecordsPhoneWithTheGatewaysCredentials() {
        int id = ThreadLocalRandom.current().nextInt(1_000_000, 1_000_000_000);
        api().body(json("id", id, "name", "Reminder", "channel", "sms", "text_body", "Hi {{entity.first_name}}, see you at 10:00 & bring ID"))
                .post("/api/templates").then().statusCode(201);
        String type = "Texted" + uid();
        String phone = number();
        int trigger = smsTrigger(type, object("template_id", id, "recipient", "entity_phone"));
        record(type, "id", "1", "first_name", "Ada", "phone", phone.substring(0, 5) + " " + phone.substring(5));

        JsonPath execution = awaitFinished(trigger, 1);
        assertEquals("completed", execution.getString("status"), execution.prettify());
        assertEquals(phone, execution.getString("steps[0].output.to"));
        assertEquals("SM-test-0001", execution.getString("steps[0].output.message_id"));
        List<Map<String, String>> sent = sentTo(phone);
        assertEquals(1, sent.size());
        assertEquals("Hi Ada, see you at 10:00 & bring ID", sent.get(0).get("Body"));
        assertEquals("+15550001111", sent.get(0).get("From"));
        WebhookSink.Received call = SmsGatewayResource.gateway().at(SmsGatewayResource.PATH).stream()
                .filter(r -> form(r.body()).get("To").equals(phone)).findFirst().orElseThrow();
        assertEquals("Basic " + Base64.getEncoder().encodeToString("AC-test:test-sms-token-321".getBytes(StandardCharsets.UTF_8)),
                call.headers().get("authorization"));
        assertEquals(execution.getLong("id") + "-0", call.headers().get("idempotency-key"));
        assertTrue(!execution.prettify().contains("test-sms-token-321"), "the token is in no execution record");
    }

    @Test
    void aBusyGatewayIsRetriedAndARefusalIsNot() {
        String type = "Busy" + uid();
        String phone = number();
        int trigger = smsTrigger(type, object("message", "Your code is {{entity.code}}", "recipient", phone));
        SmsGatewayResource.gateway().failFirst(SmsGatewayResource.PATH, 1, 503, null);
        record(type, "id", "1", "code", "4711");
        JsonPath execution = awaitFinished(trigger, 1);
        assertEquals("completed", execution.getString("status"), execution.prettify());
        assertEquals(2, execution.getInt("attempt"), "503 retried");
        assertEquals("Your code is 4711", sentTo(phone).get(sentTo(phone).size() - 1).get("Body"));

        String refusedType = "Refused" + uid();
        int refused = smsTrigger(refusedType, object("message", "x", "recipient", number()));
        SmsGatewayResource.gateway().failFirst(SmsGatewayResource.PATH, 1, 400, null);
        record(refusedType, "id", "1");
        JsonPath failed = awaitFinished(refused, 1);
        assertEquals("failed", failed.getString("status"));
        assertEquals(1, failed.getInt("attempt"), "a 400 would be refused again");
        assertEquals("the SMS gateway answered HTTP 400", failed.getString("steps[0].error"));
    }

    @Test
    void numbersAreCheckedAsE164() {
        String type = "NoPhone" + uid();
        int trigger = smsTrigger(type, object("message", "x", "recipient", "entity_phone"));
        record(type, "id", "1", "phone", "555-CALL-NOW");
        record(type, "id", "2");
        awaitFinished(trigger, 2);
        List<String> errors = executions(trigger).getList("data.error");
        assertTrue(errors.stream().anyMatch(e -> e.contains("is not a number in E.164 form")), errors.toString());
        assertTrue(errors.stream().anyMatch(e -> e.contains("the record's phone is empty")), errors.toString());
        api().body(json("name", "bad", "trigger_type", "manual", "action_configuration", object("actions", List.of(
                        object("type", "send_sms", "message", "x", "recipient", "0800 123")))))
                .post("/api/event-triggers").then().statusCode(422).body("errors[0].path", equalTo("action_configuration.actions[0].recipient"));
    }
}
