package dev.triggerfish.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.KeyDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import jakarta.ws.rs.ext.ContextResolver;
import jakarta.ws.rs.ext.Provider;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Request bodies are read strictly, so that nothing is silently changed on its way to the database:
 * one JSON document per body (no trailing second one), no duplicate keys, at most
 * {@value #MAX_DEPTH} levels of nesting, whole numbers within 64 bits, finite numbers that do not
 * underflow to 0, and strings and keys without NUL (PostgreSQL cannot store it) or unpaired
 * surrogates (not Unicode; they would be stored as {@code ?}). A refusal is a 400 naming the JSON
 * path of the value.
 *
 * <p>Only what the API reads is held to this: the mapper is a strict copy of the application's,
 * handed to the REST layer as its {@code ContextResolver}, so that rows already stored (read back
 * with the application's mapper) stay readable whatever they hold.
 */
@Provider
public class StrictJson implements ContextResolver<ObjectMapper> {
    /** Nesting deeper than this is refused (the deepest legitimate body, a trigger with 8 nested groups, is about 20). */
    public static final int MAX_DEPTH = 64;

    private final ObjectMapper strict;

    public StrictJson(ObjectMapper application) {
        this.strict = strict(application.copy());
    }

    @Override
    public ObjectMapper getContext(Class<?> type) {
        return strict;
    }

    static ObjectMapper strict(ObjectMapper mapper) {
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build());
        SimpleModule module = new SimpleModule("triggerfish-strict-json");
        module.addDeserializer(Object.class, new Untyped());
        module.addKeyDeserializer(String.class, new Keys());
        mapper.registerModule(module);
        return mapper;
    }

    /** Why {@code text} cannot be stored as it is, or null. */
    static String badText(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0) {
                return "contains a NUL character (\\u0000), which cannot be stored";
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "contains an unpaired UTF-16 surrogate (\\u" + Integer.toHexString(c).toUpperCase() + " at index " + i
                        + "), which is not Unicode";
            }
        }
        return null;
    }

    /** A path segment naming {@code key} readably even when it holds what is refused. */
    private static String printable(String key) {
        StringBuilder sb = new StringBuilder();
        key.chars().forEach(c -> sb.append(c == 0 || Character.isSurrogate((char) c) ? String.format("\\u%04X", c) : String.valueOf((char) c)));
        return sb.toString();
    }

    /** Every value bound as {@code Object} (the bodies are maps and lists): as Jackson's, with the checks above. */
    static final class Untyped extends StdDeserializer<Object> {
        Untyped() {
            super(Object.class);
        }

        @Override
        public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            return value(p, ctxt, p.currentToken());
        }

        private Object value(JsonParser p, DeserializationContext ctxt, JsonToken token) throws IOException {
            return switch (token) {
                case START_OBJECT, FIELD_NAME, END_OBJECT -> object(p, ctxt, token);
                case START_ARRAY -> array(p, ctxt);
                case VALUE_STRING -> text(p, p.getText());
                case VALUE_NUMBER_INT -> whole(p);
                case VALUE_NUMBER_FLOAT -> decimal(p);
                case VALUE_TRUE -> Boolean.TRUE;
                case VALUE_FALSE -> Boolean.FALSE;
                case VALUE_NULL -> null;
                case VALUE_EMBEDDED_OBJECT -> p.getEmbeddedObject();
                default -> ctxt.handleUnexpectedToken(Object.class, p);
            };
        }

        private Map<String, Object> object(JsonParser p, DeserializationContext ctxt, JsonToken token) throws IOException {
            Map<String, Object> map = new LinkedHashMap<>();
            String key = token == JsonToken.START_OBJECT ? p.nextFieldName() : token == JsonToken.FIELD_NAME ? p.currentName() : null;
            while (key != null) {
                String bad = badText(key);
                if (bad != null) {
                    throw refusal(p, "key " + bad, map, printable(key));
                }
                try {
                    map.put(key, value(p, ctxt, p.nextToken()));
                } catch (JsonMappingException e) {
                    e.prependPath(map, key);
                    throw e;
                }
                key = p.nextFieldName();
            }
            return map;
        }

        private List<Object> array(JsonParser p, DeserializationContext ctxt) throws IOException {
            List<Object> list = new ArrayList<>();
            JsonToken token;
            while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
                try {
                    list.add(value(p, ctxt, token));
                } catch (JsonMappingException e) {
                    e.prependPath(list, list.size());
                    throw e;
                }
            }
            return list;
        }

        private static String text(JsonParser p, String text) throws JsonMappingException {
            String bad = badText(text);
            if (bad != null) {
                throw new Refused(p, bad);
            }
            return text;
        }

        private static Object whole(JsonParser p) throws IOException {
            return switch (p.getNumberType()) {
                case INT -> p.getIntValue();
                case LONG -> p.getLongValue();
                default -> throw new Refused(p, "is out of range: a whole number must fit in 64 bits ("
                        + Long.MIN_VALUE + " to " + Long.MAX_VALUE + ")");
            };
        }

        private static Object decimal(JsonParser p) throws IOException {
            double d = p.getDoubleValue();
            if (Double.isInfinite(d) || Double.isNaN(d)) {
                throw new Refused(p, "is out of range: a number must be finite (at most about 1.8e308)");
            }
            if (d == 0.0 && p.getText().split("[eE]")[0].matches(".*[1-9].*")) {
                throw new Refused(p, "is too small to be stored: it would become 0");
            }
            return d;
        }

        private static JsonMappingException refusal(JsonParser p, String message, Object container, String key) {
            JsonMappingException e = new Refused(p, message);
            e.prependPath(container, key);
            return e;
        }
    }

    /** A value that is well-formed JSON but cannot be stored as written. */
    static final class Refused extends JsonMappingException {
        Refused(JsonParser p, String message) {
            super(p, message);
        }
    }

    /** Keys of maps bound directly (the top level of a body). */
    static final class Keys extends KeyDeserializer {
        @Override
        public Object deserializeKey(String key, DeserializationContext ctxt) throws IOException {
            String bad = badText(key);
            if (bad != null) {
                JsonMappingException e = new Refused(ctxt.getParser(), "key " + bad);
                e.prependPath(Map.class, printable(key));
                throw e;
            }
            return key;
        }
    }
}
