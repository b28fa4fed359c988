package dev.triggerfish.workflow;

import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A stored, named definition with a number for an id (a workflow, a cadence): its own fields are in
 * {@code definition}, written as the user wrote them once checked.
 */
public record Definition(long id, String name, String description, Map<String, Object> definition, int version,
                         OffsetDateTime createdAt, OffsetDateTime updatedAt) {

    /** The wire form: id, name, description, the definition's own fields, version and times. */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", id);
        json.put("name", name);
        json.put("description", description);
        json.putAll(definition);
        json.put("version", version);
        json.put("created_at", createdAt == null ? null : createdAt.toString());
        json.put("updated_at", updatedAt == null ? null : updatedAt.toString());
        return json;
    }
}
