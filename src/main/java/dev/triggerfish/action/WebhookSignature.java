package dev.triggerfish.action;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Signatures of the Standard Webhooks scheme: {@code webhook-signature: v1,<base64 HMAC-SHA256 of
 * "<webhook-id>.<webhook-timestamp>.<body>">}, one space-separated entry per secret (rotation). Used
 * to sign outbound webhooks, and to verify inbound ones the same way.
 *
 * <p>A configured secret is {@code whsec_<base64>} (the scheme's form: the key is the decoded bytes)
 * or any other text (the key is its UTF-8 bytes); a value may hold several secrets separated by
 * spaces, e.g. the new and the old one while receivers move over.
 */
public final class WebhookSignature {
    public static final String ID = "webhook-id";
    public static final String TIMESTAMP = "webhook-timestamp";
    public static final String SIGNATURE = "webhook-signature";
    /** How far a timestamp may be from now, either way, before a verifier refuses it (replay protection). */
    public static final Duration TOLERANCE = Duration.ofMinutes(5);
    private static final String PREFIX = "whsec_";
    private static final String VERSION = "v1,";

    private WebhookSignature() {
    }

    /** Why a signature does not verify. Its message never holds a secret. */
    public static final class Invalid extends Exception {
        /** What was wrong: a header missing or malformed, a timestamp outside the tolerance, or no matching signature. */
        public enum Why { MISSING, TIMESTAMP, SIGNATURE }

        private final Why why;

        Invalid(Why why, String message) {
            super(message);
            this.why = why;
        }

        public Why why() {
            return why;
        }
    }

    /** The keys of a configured value: one per space-separated secret. */
    public static List<byte[]> keys(String secrets) {
        List<byte[]> keys = new ArrayList<>();
        for (String secret : secrets.trim().split("\\s+")) {
            if (secret.isEmpty()) {
                continue;
            }
            if (secret.startsWith(PREFIX)) {
                try {
                    keys.add(Base64.getDecoder().decode(secret.substring(PREFIX.length())));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("a whsec_ secret must be base64 after its prefix");
                }
            } else {
                keys.add(secret.getBytes(StandardCharsets.UTF_8));
            }
        }
        if (keys.isEmpty() || keys.stream().anyMatch(k -> k.length == 0)) {
            throw new IllegalArgumentException("the signing secret is empty");
        }
        return keys;
    }

    /** The {@code webhook-signature} value: {@code v1,<signature>} for each of the space-separated {@code secrets}. */
    public static String sign(String secrets, String id, long timestamp, String body) {
        StringBuilder header = new StringBuilder();
        for (byte[] key : keys(secrets)) {
            header.append(header.isEmpty() ? "" : " ").append(VERSION).append(signature(key, id, timestamp, body));
        }
        return header.toString();
    }

    /** Whether a received webhook verifies with any of {@code secrets}, its timestamp within {@link #TOLERANCE} of now. */
    public static boolean verify(String secrets, String id, String timestamp, String body, String signatureHeader) {
        try {
            check(secrets, id, timestamp, body, signatureHeader, Instant.now(), TOLERANCE);
            return true;
        } catch (Invalid e) {
            return false;
        }
    }

    /** Checks a received webhook: its headers' values, its body as received, against the space-separated {@code secrets}. */
    public static void check(String secrets, String id, String timestamp, String body, String signatureHeader,
                             Instant now, Duration tolerance) throws Invalid {
        check(keys(secrets), id, timestamp, (body == null ? "" : body).getBytes(StandardCharsets.UTF_8), signatureHeader, now, tolerance);
    }

    /** Checks a received webhook whose body is {@code body}, the bytes as received, against any of {@code keys}. */
    public static void check(List<byte[]> keys, String id, String timestamp, byte[] body, String signatureHeader,
                             Instant now, Duration tolerance) throws Invalid {
        if (id == null || id.isEmpty() || timestamp == null || signatureHeader == null) {
            throw new Invalid(Invalid.Why.MISSING, "missing " + ID + ", " + TIMESTAMP + " or " + SIGNATURE);
        }
        if (id.indexOf('.') >= 0) {
            throw new Invalid(Invalid.Why.MISSING, ID + " must not contain '.'");
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.trim());
        } catch (NumberFormatException e) {
            throw new Invalid(Invalid.Why.MISSING, TIMESTAMP + " is not a number of seconds");
        }
        if (Math.abs(now.getEpochSecond() - seconds) > tolerance.toSeconds()) {
            throw new Invalid(Invalid.Why.TIMESTAMP, TIMESTAMP + " is more than " + tolerance.toSeconds() + " s away from now");
        }
        List<byte[]> expected = new ArrayList<>();
        for (byte[] key : keys) {
            expected.add(signature(key, id, seconds, body).getBytes(StandardCharsets.US_ASCII));
        }
        for (String entry : signatureHeader.trim().split("\\s+")) {
            if (!entry.startsWith(VERSION)) {
                continue; // another scheme (v1a) or version
            }
            byte[] given = entry.substring(VERSION.length()).getBytes(StandardCharsets.US_ASCII);
            for (byte[] candidate : expected) {
                if (MessageDigest.isEqual(candidate, given)) { // constant time
                    return;
                }
            }
        }
        throw new Invalid(Invalid.Why.SIGNATURE, "no signature matches");
    }

    private static String signature(byte[] key, String id, long timestamp, String body) {
        return signature(key, id, timestamp, (body == null ? "" : body).getBytes(StandardCharsets.UTF_8));
    }

    private static String signature(byte[] key, String id, long timestamp, byte[] body) {
        if (id.indexOf('.') >= 0) {
            throw new IllegalArgumentException("a webhook id must not contain '.'");
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            byte[] digest = mac.doFinal(body);
            return Base64.getEncoder().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
