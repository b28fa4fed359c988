package dev.triggerfish.crm;

import dev.triggerfish.api.Ids;
import dev.triggerfish.support.FieldError;
import dev.triggerfish.support.InvalidInput;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A record body as a client writes it (flat JSON), split into id, tags, assignee and attributes.
 *
 * @param id null when the server should choose one
 */
public record RecordInput(String id, Map<String, Object> attributes, List<String> tags, String assignedTo) {
    private static final int MAX_ID_LENGTH = 200;

    /**
     * Reads {@code body}; {@code server-written} keys (version, times, type) are ignored.
     *
     * @throws InvalidInput naming each bad field
     */
    public static RecordInput from(Map<String, Object> body) {
        List<FieldError> errors = new ArrayList<>();
        String id = id(body.get("id"), errors);
        List<String> tags = tags(body.get("tags"), errors);
        Object assignee = body.get("assigned_to");
        if (assignee != null && !(assignee instanceof String) && !(assignee instanceof Number)) {
            errors.add(new FieldError("assigned_to", "must be a user id (string or number)"));
        }
        if (!errors.isEmpty()) {
            throw new InvalidInput("record", errors);
        }
        Map<String, Object> attributes = new LinkedHashMap<>(body);
        CrmRecord.RESERVED.forEach(attributes::remove);
        return new RecordInput(id, attributes, tags, assignee == null ? null : assignee.toString());
    }

    /** An id written as a string or a whole number; null when absent. */
    static String id(Object raw, List<FieldError> errors) {
        if (raw == null) {
            return null;
        }
        String id = Ids.text(raw);
        if (id == null || id.isBlank() || id.length() > MAX_ID_LENGTH) {
            errors.add(new FieldError("id", "must be a non-empty string (at most " + MAX_ID_LENGTH
                    + " characters) or a whole number (up to 2^53 as a JSON number; write larger ids as strings)"));
            return null;
        }
        return id;
    }

    private static List<String> tags(Object raw, List<FieldError> errors) {
        if (raw == null) {
            return List.of();
        }
        if (!(raw instanceof List<?> list)) {
            errors.add(new FieldError("tags", "must be a list of strings"));
            return List.of();
        }
        List<String> tags = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) instanceof String s && !s.isBlank()) {
                if (!tags.contains(s)) {
                    tags.add(s);
                }
            } else {
                errors.add(new FieldError("tags[" + i + "]", "must be a non-empty string"));
            }
        }
        return tags;
    }
}
