package dev.triggerfish.template;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.Config;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Secrets that templates may use ({@code {{api_token}}}, {@code {slack_token}}): from environment
 * variables {@code TRIGGERFISH_SECRET_<NAME>} (name lower-cased) and properties
 * {@code triggerfish.secret.<name>}. Never stored in triggers or execution records, never logged:
 * {@link #redact} removes their values from anything recorded, in every spelling they take where a
 * template puts them (as is, percent-encoded, JSON-escaped, header- or HTML-escaped), in any case.
 */
@Singleton
public class Secrets {
    static final String ENV_PREFIX = "TRIGGERFISH_SECRET_";
    static final String PROPERTY_PREFIX = "triggerfish.secret.";
    private static final int MIN_REDACTED_LENGTH = 4;

    private final Map<String, String> values;
    /** Every spelling of every secret, longest first; null when there is nothing to redact. */
    private final Pattern spellings;

    @Inject
    public Secrets(Config config) {
        this(collect(config));
    }

    public Secrets(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(new HashMap<>(values));
        this.spellings = spellings(this.values.values());
    }

    private static Pattern spellings(Iterable<String> secrets) {
        Set<String> all = new LinkedHashSet<>();
        for (String secret : secrets) {
            if (secret == null || secret.length() < MIN_REDACTED_LENGTH) {
                continue;
            }
            all.add(secret);
            for (Escaping escaping : Escaping.values()) {
                all.add(escaping.apply(secret));
            }
            all.add(URLEncoder.encode(secret, StandardCharsets.UTF_8)); // form encoding: spaces as '+'
            all.add(new String(JsonStringEncoder.getInstance().quoteAsString(secret)));
            all.add(new String(JsonStringEncoder.getInstance().quoteAsString(Escaping.HEADER.apply(secret))));
        }
        if (all.isEmpty()) {
            return null;
        }
        List<String> sorted = new ArrayList<>(all);
        sorted.sort(Comparator.comparingInt(String::length).reversed());
        StringBuilder alternatives = new StringBuilder();
        for (String spelling : sorted) {
            alternatives.append(alternatives.isEmpty() ? "" : "|").append(Pattern.quote(spelling));
        }
        return Pattern.compile(alternatives.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
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

    /** {@code text} with every secret value (in any of its spellings) replaced by {@code ***}. */
    public String redact(String text) {
        if (text == null || spellings == null || text.isEmpty()) {
            return text;
        }
        Matcher m = spellings.matcher(text);
        return m.find() ? m.replaceAll("***") : text;
    }

    /** A JSON value (maps, lists, scalars) with every string in it, keys included, redacted. */
    public Object redactJson(Object value) {
        if (spellings == null) {
            return value;
        }
        if (value instanceof String s) {
            return redact(s);
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(redact(String.valueOf(k)), redactJson(v)));
            return out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(v -> out.add(redactJson(v)));
            return out;
        }
        return value;
    }
}
