package dev.triggerfish.condition;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.List;
import java.util.Map;

/** Test helper: JSON text (single quotes allowed) as the Maps and Lists the engine reads. */
final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> obj(String json) {
        try {
            return MAPPER.readValue(json.replace('\'', '"'), Map.class);
        } catch (Exception e) {
            throw new IllegalArgumentException(json, e);
        }
    }

    static List<?> list(String json) {
        try {
            return MAPPER.readValue(json.replace('\'', '"'), List.class);
        } catch (Exception e) {
            throw new IllegalArgumentException(json, e);
        }
    }
}
