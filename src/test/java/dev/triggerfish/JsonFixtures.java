package dev.triggerfish;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Test fixtures as JSON: objects built from key-value pairs, in order, instead of concatenated strings. */
public final class JsonFixtures {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonFixtures() {
    }

    /** An object from alternating keys and values: {@code object("id", "1", "tags", List.of("a"))}. */
    public static Map<String, Object> object(Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("keys and values come in pairs");
        }
        Map<String, Object> object = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            object.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return object;
    }

    /** The JSON text of {@link #object}. */
    public static String json(Object... keysAndValues) {
        return text(object(keysAndValues));
    }

    /** The JSON text of any value (a map, a list, a string…). */
    public static String text(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** A REST event: {@code created} of {@code type} record {@code id} carrying {@code record}. */
    public static Map<String, Object> created(String type, Object id, Map<String, Object> record) {
        return object("event", "created", "entity_type", type, "entity_id", id, "record", record);
    }

    /** A batch of created events for entities {@code from} to {@code to - 1}; with {@code ids}, each carries an event_id. */
    public static String createdBatch(String type, int from, int to, boolean ids) {
        List<Map<String, Object>> batch = new java.util.ArrayList<>();
        for (int i = from; i < to; i++) {
            Map<String, Object> event = new LinkedHashMap<>();
            if (ids) {
                event.put("event_id", type + "-" + i);
            }
            event.putAll(created(type, i, Map.of()));
            batch.add(event);
        }
        return text(batch);
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> read(String text) {
        try {
            return MAPPER.readValue(text, Map.class);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }
}
