package dev.triggerfish.inbound;

import com.standardwebhooks.Webhook;
import dev.triggerfish.inbound.InboundRefused.Reason;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Who sent a delivery: the scheme's published vector, the reference signer, rotation, replays, forgeries, the shared secret. */
class InboundVerificationTest {
    // the vector of the scheme's own library tests ("sign function works")
    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    static final long TIMESTAMP = 1614265330L;
    static final String BODY = "{\"test\": 2432232314}";
    static final String SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    static final Duration TOLERANCE = Duration.ofMinutes(5);
    static final WebhookSource SIGNED = source(WebhookSource.Verification.SIGNATURE, null);
    static final WebhookSource SHARED = source(WebhookSource.Verification.SHARED_SECRET, "X-Webhook-Secret");

    static WebhookSource source(WebhookSource.Verification verification, String header) {
        return new WebhookSource("crm", null, verification, "s", null, header, RecordRule.DEFAULT, 0, null, null);
    }

    static Function<String, String> headers(String... namesAndValues) {
        Map<String, String> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 0; i < namesAndValues.length; i += 2) {
            map.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return map::get;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static Reason refused(WebhookSource source, List<String> secrets, Function<String, String> headers, String body, Instant now) {
        return assertThrows(InboundRefused.class, () -> InboundVerification.verify(source, secrets, headers, utf8(body), now, TOLERANCE)).reason();
    }

    @Test
    void thePublishedVectorVerifiesAtItsTime() {
        assertEquals(ID, InboundVerification.verify(SIGNED, List.of(SECRET),
                headers("Webhook-Id", ID, "webhook-timestamp", "" + TIMESTAMP, "WEBHOOK-SIGNATURE", SIGNATURE), utf8(BODY),
                Instant.ofEpochSecond(TIMESTAMP), TOLERANCE));
    }

    @Test
    void aDeliveryFromTheReferenceSignerVerifies() throws Exception {
        long now = Instant.now().getEpochSecond();
        String body = "{\"score\": 92, \"name\": \"Zo\u00eb\"}";
        String signature = new Webhook(SECRET).sign("msg_1", now, body);
        assertEquals("msg_1", InboundVerification.verify(SIGNED, List.of(SECRET),
                headers("webhook-id", "msg_1", "webhook-timestamp", "" + now, "webhook-signature", signature), utf8(body), Instant.now(), TOLERANCE));
    }

    @Test
    void theVectorReplayedLaterIsStaleAndAForgeryIsABadSignature() {
        Function<String, String> vector = headers("webhook-id", ID, "webhook-timestamp", "" + TIMESTAMP, "webhook-signature", SIGNATURE);
        Instant then = Instant.ofEpochSecond(TIMESTAMP);
        assertEquals(Reason.STALE_TIMESTAMP, refused(SIGNED, List.of(SECRET), vector, BODY, then.plus(TOLERANCE).plusSeconds(1)));
        assertEquals(Reason.STALE_TIMESTAMP, refused(SIGNED, List.of(SECRET), vector, BODY, then.minus(TOLERANCE).minusSeconds(1)));
        assertEquals(Reason.BAD_SIGNATURE, refused(SIGNED, List.of(SECRET), vector, BODY.replace("2432", "9999"), then));
        assertEquals(Reason.BAD_SIGNATURE, refused(SIGNED, List.of("whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), vector, BODY, then));
        assertEquals(Reason.BAD_SIGNATURE, refused(SIGNED, List.of(SECRET),
                headers("webhook-id", "msg_other", "webhook-timestamp", "" + TIMESTAMP, "webhook-signature", SIGNATURE), BODY, then));
    }

    @Test
    void missingOrMalformedHeadersAreNamed() {
        Instant then = Instant.ofEpochSecond(TIMESTAMP);
        InboundRefused noId = assertThrows(InboundRefused.class, () -> InboundVerification.verify(SIGNED, List.of(SECRET),
                headers("webhook-timestamp", "" + TIMESTAMP, "webhook-signature", SIGNATURE), utf8(BODY), then, TOLERANCE));
        assertEquals(Reason.MISSING_HEADERS, noId.reason());
        assertEquals("webhook-id", noId.header());
        InboundRefused dotted = assertThrows(InboundRefused.class, () -> InboundVerification.verify(SIGNED, List.of(SECRET),
                headers("webhook-id", "a.b", "webhook-timestamp", "" + TIMESTAMP, "webhook-signature", SIGNATURE), utf8(BODY), then, TOLERANCE));
        assertEquals("webhook-id", dotted.header());
        InboundRefused long_ = assertThrows(InboundRefused.class, () -> InboundVerification.verify(SIGNED, List.of(SECRET),
                headers("webhook-id", "x".repeat(151), "webhook-timestamp", "" + TIMESTAMP, "webhook-signature", SIGNATURE), utf8(BODY), then,
                TOLERANCE));
        assertEquals("webhook-id", long_.header());
        InboundRefused words = assertThrows(InboundRefused.class, () -> InboundVerification.verify(SIGNED, List.of(SECRET),
                headers("webhook-id", ID, "webhook-timestamp", "yesterday", "webhook-signature", SIGNATURE), utf8(BODY), then, TOLERANCE));
        assertEquals("webhook-timestamp", words.header());
    }

    @Test
    void duringRotationEitherSecretVerifies() throws Exception {
        String next = "whsec_" + java.util.Base64.getEncoder().encodeToString(utf8("the next key of this source, 32b"));
        long now = Instant.now().getEpochSecond();
        for (String signer : List.of(SECRET, next)) {
            String signature = new Webhook(signer).sign("msg_r", now, BODY);
            Function<String, String> h = headers("webhook-id", "msg_r", "webhook-timestamp", "" + now, "webhook-signature", signature);
            assertEquals("msg_r", InboundVerification.verify(SIGNED, List.of(next, SECRET), h, utf8(BODY), Instant.now(), TOLERANCE));
            // a configured value may also hold both, space separated
            assertEquals("msg_r", InboundVerification.verify(SIGNED, List.of(next + " " + SECRET), h, utf8(BODY), Instant.now(), TOLERANCE));
        }
        String old = new Webhook(SECRET).sign("msg_o", now, BODY);
        assertEquals(Reason.BAD_SIGNATURE, refused(SIGNED, List.of(next),
                headers("webhook-id", "msg_o", "webhook-timestamp", "" + now, "webhook-signature", old), BODY, Instant.now()));
    }

    @Test
    void aSharedSecretSourceComparesTheHeaderWithEachSecret() {
        Instant now = Instant.now();
        assertNull(InboundVerification.verify(SHARED, List.of("new-secret old-secret"), headers("x-webhook-secret", "old-secret"), utf8("{}"),
                now, TOLERANCE));
        assertEquals("m-1", InboundVerification.verify(SHARED, List.of("new-secret"), headers("X-Webhook-Secret", "new-secret",
                "webhook-id", "m-1"), utf8("{}"), now, TOLERANCE));
        assertEquals(Reason.BAD_SHARED_SECRET, refused(SHARED, List.of("new-secret"), headers("X-Webhook-Secret", "new-secre"), "{}", now));
        assertEquals(Reason.BAD_SHARED_SECRET, refused(SHARED, List.of("new-secret"), headers("X-Webhook-Secret", "new-secret2"), "{}", now));
        InboundRefused missing = assertThrows(InboundRefused.class,
                () -> InboundVerification.verify(SHARED, List.of("new-secret"), headers(), utf8("{}"), now, TOLERANCE));
        assertEquals("X-Webhook-Secret", missing.header());
        assertFalse(missing.getMessage().contains("new-secret"));
    }
}
