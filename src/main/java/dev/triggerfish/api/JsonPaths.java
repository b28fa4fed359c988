package dev.triggerfish.api;

import com.fasterxml.jackson.databind.JsonMappingException;

import java.util.List;

/** Writes a Jackson reference path the way our problem bodies name fields: {@code actions[1].url}. */
final class JsonPaths {
    private JsonPaths() {
    }

    static String of(List<JsonMappingException.Reference> path) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : path) {
            if (ref.getFieldName() != null) {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.isEmpty() ? "$" : sb.toString();
    }
}
