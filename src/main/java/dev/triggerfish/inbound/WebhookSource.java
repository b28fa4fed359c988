package dev.triggerfish.inbound;

import dev.triggerfish.action.ConfigCheck;
import dev.triggerfish.action.WebhookSignature;
import dev.triggerfish.support.FieldError;
import dev.triggerfish.support.InvalidInput;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A named sender of inbound webhooks ({@code POST /api/webhooks/{name}}).
 *
 * <p>The source holds the <em>name</em> of its secret ({@code triggerfish.secret.<name>}), never the
 * secret: a Standard Webhooks secret is usually issued by the sender's platform and pasted into the
 * receiver, so it has to be taken as given, and keeping it in configuration (a Kubernetes Secret)
 * keeps it out of the database, its backups and every API answer, with no key of ours to manage.
 * While the sender rotates, {@code previous_secret} names the old one, accepted too (and a configured
 * value may hold two secrets separated by a space, as for outbound signing).
 *
 * @param verification {@code signature} (Standard Webhooks) or {@code shared_secret} (a header holding
 *                     the secret itself: for senders that cannot sign; weaker, see the README)
 */
public record WebhookSource(String name, String description, Verification verification, String secret, String previousSecret,
                            String sharedSecretHeader, RecordRule record, int version, OffsetDateTime createdAt,
                            OffsetDateTime updatedAt) {
    public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
    static final String DEFAULT_SHARED_SECRET_HEADER = "X-Webhook-Secret";
    private static final Pattern HEADER = Pattern.compile("[A-Za-z0-9-]{1,100}");
    private static final Set<String> FIELDS = Set.of("name", "description", "verification", "secret", "previous_secret",
            "shared_secret_header", "record");
    /** Written by the server: accepted in a body (a source read back and sent again) and ignored. */
    private static final Set<String> READ_ONLY = Set.of("url", "version", "created_at", "updated_at");

    /** How a source's deliveries prove who sent them. */
    public enum Verification {
        SIGNATURE("signature"), SHARED_SECRET("shared_secret");

        private final String wire;

        Verification(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }

        static Verification parse(Object raw) {
            for (Verification v : values()) {
                if (v.wire.equals(raw)) {
                    return v;
                }
            }
            return null;
        }
    }

    /**
     * Checks a source's body; {@code name} is the path's when given (PUT), else the body's.
     *
     * @param secretValue the configured value of a secret name, or null when it names none
     * @throws InvalidInput naming every bad field (a secret's value is never in a message)
     */
    static WebhookSource from(Map<String, Object> body, String name, Function<String, String> secretValue) {
        List<FieldError> errors = new ArrayList<>();
        ConfigCheck top = new ConfigCheck(body, "", errors);
        body.keySet().stream().filter(k -> !FIELDS.contains(k) && !READ_ONLY.contains(k)).sorted()
                .forEach(k -> top.error(k, "is not a field of a webhook source (fields: " + String.join(", ", new java.util.TreeSet<>(FIELDS)) + ")"));
        String chosen = name;
        if (name == null) {
            top.requireText("name");
            chosen = body.get("name") instanceof String s ? s : null;
        } else if (body.get("name") != null && !name.equals(body.get("name"))) {
            top.error("name", "is '" + body.get("name") + "' but the path names source '" + name + "'");
        }
        if (chosen != null && !NAME.matcher(chosen).matches()) {
            top.error("name", "must be 1 to 63 lower-case letters, digits, '-' or '_', starting with a letter or digit (it is part of the URL)");
        }
        top.optionalText("description");
        Verification verification = Verification.SIGNATURE;
        if (body.get("verification") != null) {
            verification = Verification.parse(body.get("verification"));
            if (verification == null) {
                top.error("verification", "must be signature (Standard Webhooks) or shared_secret");
                verification = Verification.SIGNATURE;
            }
        }
        top.requireText("secret");
        secret(top, "secret", verification, secretValue);
        secret(top, "previous_secret", verification, secretValue);
        String header = null;
        if (body.get("shared_secret_header") != null) {
            if (verification != Verification.SHARED_SECRET) {
                top.error("shared_secret_header", "is only for verification shared_secret");
            } else if (!(body.get("shared_secret_header") instanceof String h) || !HEADER.matcher(h).matches()) {
                top.error("shared_secret_header", "must be a header name (letters, digits, '-')");
            } else {
                header = h;
            }
        }
        if (verification == Verification.SHARED_SECRET && header == null) {
            header = DEFAULT_SHARED_SECRET_HEADER;
        }
        RecordRule record = RecordRule.read(body.get("record"), errors);
        if (!errors.isEmpty()) {
            throw new InvalidInput("webhook source", errors);
        }
        return new WebhookSource(chosen, (String) body.get("description"), verification, (String) body.get("secret"),
                (String) body.get("previous_secret"), header, record, 0, null, null);
    }

    /** The field names a configured secret, fit for the verification; its value never appears in an error. */
    private static void secret(ConfigCheck top, String key, Verification verification, Function<String, String> secretValue) {
        Object raw = top.object().get(key);
        if (raw == null) {
            return;
        }
        if (!(raw instanceof String name) || name.isBlank()) {
            top.error(key, "must be the name of a configured secret");
            return;
        }
        String value = secretValue.apply(name);
        if (value == null) {
            top.error(key, "names no configured secret: set triggerfish.secret.<name> (or TRIGGERFISH_SECRET_<NAME>) and give its name here,"
                    + " never the secret itself");
        } else if (verification == Verification.SIGNATURE) {
            try {
                WebhookSignature.keys(value);
            } catch (IllegalArgumentException e) {
                top.error(key, "names a secret that is not a signing secret: " + e.getMessage());
            }
        }
    }

    /** This source as stored, with its version and times. */
    WebhookSource stored(int version, OffsetDateTime createdAt, OffsetDateTime updatedAt) {
        return new WebhookSource(name, description, verification, secret, previousSecret, sharedSecretHeader, record, version, createdAt,
                updatedAt);
    }

    /** The names of the secrets accepted now: the current one, then the previous one while rotating. */
    List<String> secretNames() {
        return previousSecret == null ? List.of(secret) : List.of(secret, previousSecret);
    }

    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", name);
        json.put("description", description);
        json.put("url", "/api/webhooks/" + name);
        json.put("verification", verification.wire());
        json.put("secret", secret);
        json.put("previous_secret", previousSecret);
        json.put("shared_secret_header", sharedSecretHeader);
        json.put("record", record.toJson());
        json.put("version", version);
        json.put("created_at", createdAt);
        json.put("updated_at", updatedAt);
        return json;
    }
}
