package dev.triggerfish.template;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.Config;

import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Secrets that templates may use ({@code {{api_token}}}, {@code {slack_token}}): from environment
 * variables {@code TRIGGERFISH_SECRET_<NAME>} (name lower-cased) and properties
 * {@code triggerfish.secret.<name>}. Never stored in triggers or execution records, never logged:
 * {@link #redact} removes their values from anything recorded.
 */
@Singleton
public class Secrets {
    static final String ENV_PREFIX = "TRIGGERFISH_SECRET_";
    static final String PROPERTY_PREFIX = "triggerfish.secret.";
    private static final int MIN_REDACTED_LENGTH = 4;

    private final Map<String, String> values;

    @Inject
    public Secrets(Config config) {
        this(collect(config));
    }

    public Secrets(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(new HashMap<>(values));
    }

    private static Map<String, String> collect(Config config) {
        Map<String, String> found = new HashMap<>();
        System.getenv().forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX) && name.length() > ENV_PREFIX.length()) {
                found.put(name.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT), value);
            }
        });
        for (String name : config.getPropertyNames()) {
            if (name.startsWith(PROPERTY_PREFIX)) {
                config.getOptionalValue(name, String.class).ifPresent(v -> found.put(name.substring(PROPERTY_PREFIX.length()), v));
            }
        }
        return found;
    }

    public Map<String, String> values() {
        return values;
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    /** {@code text} with every secret value replaced by {@code ***}. */
    public String redact(String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String secret : values.values()) {
            if (secret != null && secret.length() >= MIN_REDACTED_LENGTH && out.contains(secret)) {
                out = out.replace(secret, "***");
            }
        }
        return out;
    }
}
