package dev.triggerfish.action;

import com.standardwebhooks.Webhook;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Standard Webhooks signatures: the scheme's published vector, its reference Java library, rotation and timestamp tolerance. */
class WebhookSignatureTest {
    // the vector of the scheme's own library tests ("sign function works")
    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    static final long TIMESTAMP = 1614265330L;
    static final String BODY = "{\"test\": 2432232314}";
    static final String SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    static final Instant THEN = Instant.ofEpochSecond(TIMESTAMP);

    static Map<String, List<String>> headers(String id, long timestamp, String signature) {
        return Map.of("webhook-id", List.of(id), "webhook-timestamp", List.of(String.valueOf(timestamp)),
                "webhook-signature", List.of(signature));
    }

    @Test
    void signsThePublishedTestVector() {
        assertEquals(SIGNATURE, WebhookSignature.sign(SECRET, ID, TIMESTAMP, BODY));
    }

    @Test
    void verifiesThePublishedTestVector() {
        assertDoesNotThrow(() -> WebhookSignature.check(SECRET, ID, String.valueOf(TIMESTAMP), BODY, SIGNATURE, THEN, WebhookSignature.TOLERANCE));
    }

    @Test
    void theReferenceLibraryVerifiesOurSignature() throws Exception {
        long now = Instant.now().getEpochSecond();
        String id = "4711-0";
        String body = "{\"deal\": {\"id\": \"d-1\", \"amount\": 5000}}";
        String signature = WebhookSignature.sign(SECRET, id, now, body);
        new Webhook(SECRET).verify(body, headers(id, now, signature));
    }

    @Test
    void weVerifyTheReferenceLibrarysSignature() throws Exception {
        long now = Instant.now().getEpochSecond();
        String signature = new Webhook(SECRET).sign("7-2", now, "hello");
        assertTrue(WebhookSignature.verify(SECRET, "7-2", String.valueOf(now), "hello", signature));
    }

    @Test
    void aSecretWithoutThePrefixIsUsedAsItsBytes() throws Exception {
        long now = Instant.now().getEpochSecond();
        String signature = WebhookSignature.sign("plain-shared-secret", "1-0", now, "x");
        new Webhook("plain-shared-secret".getBytes(StandardCharsets.UTF_8)).verify("x", headers("1-0", now, signature));
    }

    @Test
    void rotationSignsWithEachSecretAndEitherVerifies() throws Exception {
        String old = "whsec_" + Base64.getEncoder().encodeToString("the old key, 24 bytes ..".getBytes(StandardCharsets.UTF_8));
        long now = Instant.now().getEpochSecond();
        String header = WebhookSignature.sign(SECRET + " " + old, "9-1", now, BODY);
        String[] entries = header.split(" ");
        assertEquals(2, entries.length);
        assertEquals(WebhookSignature.sign(SECRET, "9-1", now, BODY), entries[0]);
        assertEquals(WebhookSignature.sign(old, "9-1", now, BODY), entries[1]);
        // a receiver that knows only one of the two accepts it
        new Webhook(SECRET).verify(BODY, headers("9-1", now, header));
        new Webhook(old).verify(BODY, headers("9-1", now, header));
        assertTrue(WebhookSignature.verify(old, "9-1", String.valueOf(now), BODY, header));
        assertFalse(WebhookSignature.verify("whsec_AAAAAAAAAAAAAAAAAAAAAAAA", "9-1", String.valueOf(now), BODY, header));
    }

    @Test
    void aChangedBodyIdOrTimestampDoesNotVerify() {
        Duration tolerance = WebhookSignature.TOLERANCE;
        String ts = String.valueOf(TIMESTAMP);
        assertThrows(WebhookSignature.Invalid.class, () -> WebhookSignature.check(SECRET, ID, ts, BODY + " ", SIGNATURE, THEN, tolerance));
        assertThrows(WebhookSignature.Invalid.class, () -> WebhookSignature.check(SECRET, "msg_other", ts, BODY, SIGNATURE, THEN, tolerance));
        assertThrows(WebhookSignature.Invalid.class,
                () -> WebhookSignature.check(SECRET, ID, String.valueOf(TIMESTAMP + 1), BODY, SIGNATURE, THEN, tolerance));
        assertThrows(WebhookSignature.Invalid.class, () -> WebhookSignature.check(SECRET, ID, ts, BODY, "v1,", THEN, tolerance));
        assertThrows(WebhookSignature.Invalid.class, () -> WebhookSignature.check(SECRET, ID, ts, BODY, null, THEN, tolerance));
        // only v1 entries count; a v1a or v2 entry with the right bytes is not a v1 signature
        String bytes = SIGNATURE.substring(3);
        assertThrows(WebhookSignature.Invalid.class, () -> WebhookSignature.check(SECRET, ID, ts, BODY, "v2," + bytes + " v1a," + bytes, THEN, tolerance));
        assertDoesNotThrow(() -> WebhookSignature.check(SECRET, ID, ts, BODY, "v2," + bytes + " " + SIGNATURE, THEN, tolerance));
    }

    @Test
    void aTimestampOutsideTheToleranceIsRefused() {
        String ts = String.valueOf(TIMESTAMP);
        Duration tolerance = WebhookSignature.TOLERANCE;
        assertDoesNotThrow(() -> WebhookSignature.check(SECRET, ID, ts, BODY, SIGNATURE, THEN.plus(tolerance), tolerance));
        assertDoesNotThrow(() -> WebhookSignature.check(SECRET, ID, ts, BODY, SIGNATURE, THEN.minus(tolerance), tolerance));
        WebhookSignature.Invalid late = assertThrows(WebhookSignature.Invalid.class,
                () -> WebhookSignature.check(SECRET, ID, ts, BODY, SIGNATURE, THEN.plus(tolerance).plusSeconds(1), tolerance));
        assertTrue(late.getMessage().contains("webhook-timestamp"));
        assertThrows(WebhookSignature.Invalid.class,
                () -> WebhookSignature.check(SECRET, ID, ts, BODY, SIGNATURE, THEN.minus(tolerance).minusSeconds(1), tolerance));
        assertThrows(WebhookSignature.Invalid.class, () -> WebhookSignature.check(SECRET, ID, "yesterday", BODY, SIGNATURE, THEN, tolerance));
        // the default tolerance: the vector is years old
        assertFalse(WebhookSignature.verify(SECRET, ID, ts, BODY, SIGNATURE));
    }

    @Test
    void badSecretsAreRefusedWithoutShowingThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WebhookSignature.keys("whsec_not*base64!"));
        assertFalse(e.getMessage().contains("not*base64"));
        assertThrows(IllegalArgumentException.class, () -> WebhookSignature.keys("  "));
        assertThrows(IllegalArgumentException.class, () -> WebhookSignature.keys("whsec_"));
    }
}
