package dev.triggerfish.inbound;

import dev.triggerfish.action.WebhookSignature;
import dev.triggerfish.inbound.InboundRefused.Reason;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Proves who sent a delivery, before anything of it is read: a Standard Webhooks signature over
 * {@code webhook-id.webhook-timestamp.body} (the bytes as received) with any accepted secret, the
 * timestamp within the tolerance; or, for a {@code shared_secret} source, the header holding one of
 * them. Comparisons are constant time. Pure: the caller gives the secrets' values and the clock.
 */
final class InboundVerification {
    static final int MAX_ID_LENGTH = 150;

    private InboundVerification() {
    }

    /**
     * Checks a delivery; returns its {@code webhook-id} (null when a shared-secret delivery has none).
     *
     * @param secretValues the configured value of each of the source's secret names (current first)
     * @param header       the request's header of a name (any case), or null
     */
    static String verify(WebhookSource source, List<String> secretValues, Function<String, String> header, byte[] body, Instant now,
                         Duration tolerance) {
        String id = header.apply(WebhookSignature.ID);
        if (id != null && (id.isBlank() || id.length() > MAX_ID_LENGTH)) {
            throw new InboundRefused(Reason.MISSING_HEADERS, WebhookSignature.ID, "must be 1 to " + MAX_ID_LENGTH + " characters");
        }
        if (source.verification() == WebhookSource.Verification.SHARED_SECRET) {
            sharedSecret(source, secretValues, header.apply(source.sharedSecretHeader()));
            return id;
        }
        List<byte[]> keys = new ArrayList<>();
        secretValues.forEach(value -> keys.addAll(WebhookSignature.keys(value)));
        try {
            WebhookSignature.check(keys, id, header.apply(WebhookSignature.TIMESTAMP), body, header.apply(WebhookSignature.SIGNATURE), now,
                    tolerance);
        } catch (WebhookSignature.Invalid e) {
            throw switch (e.why()) {
                case MISSING -> new InboundRefused(Reason.MISSING_HEADERS, missingHeader(header), e.getMessage());
                case TIMESTAMP -> new InboundRefused(Reason.STALE_TIMESTAMP, WebhookSignature.TIMESTAMP, e.getMessage());
                case SIGNATURE -> new InboundRefused(Reason.BAD_SIGNATURE, WebhookSignature.SIGNATURE,
                        "no signature matches the source's secret" + (keys.size() > 1 ? "s" : ""));
            };
        }
        return id;
    }

    private static void sharedSecret(WebhookSource source, List<String> secretValues, String presented) {
        if (presented == null) {
            throw new InboundRefused(Reason.MISSING_HEADERS, source.sharedSecretHeader(), "is required: it holds the source's shared secret");
        }
        byte[] given = presented.trim().getBytes(StandardCharsets.UTF_8);
        boolean matched = false;
        for (String value : secretValues) {
            for (String secret : value.trim().split("\\s+")) {
                // constant time, and every secret compared, so the time says nothing about which came close
                matched |= MessageDigest.isEqual(secret.getBytes(StandardCharsets.UTF_8), given);
            }
        }
        if (!matched) {
            throw new InboundRefused(Reason.BAD_SHARED_SECRET, source.sharedSecretHeader(), "does not hold the source's shared secret");
        }
    }

    private static String missingHeader(Function<String, String> header) {
        for (String name : List.of(WebhookSignature.ID, WebhookSignature.TIMESTAMP, WebhookSignature.SIGNATURE)) {
            String value = header.apply(name);
            if (value == null || value.isEmpty()) {
                return name;
            }
        }
        return header.apply(WebhookSignature.ID).indexOf('.') >= 0 ? WebhookSignature.ID : WebhookSignature.TIMESTAMP;
    }
}
