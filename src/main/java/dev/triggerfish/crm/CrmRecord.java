package dev.triggerfish.crm;

import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A CRM record of any type: its own fields ({@code attributes}), tags, assignee, and references such
 * as {@code company_id} that make {@code company.*} reachable from conditions and templates.
 */
public record CrmRecord(String type, String id, Map<String, Object> attributes, List<String> tags, String assignedTo,
                        int version, OffsetDateTime createdAt, OffsetDateTime updatedAt) {

    /** Keys of the flat JSON form that are not attributes. */
    public static final List<String> RESERVED = List.of("id", "type", "tags", "assigned_to", "version", "created_at", "updated_at");

    /**
     * The record as the API writes it and as conditions see it: attributes at the top level beside
     * {@code id}, {@code type}, {@code tags}, {@code assigned_to}, {@code version} and the ISO times.
     */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", id);
        json.put("type", type);
        json.putAll(attributes);
        json.put("tags", tags);
        json.put("assigned_to", assignedTo);
        json.put("version", version);
        json.put("created_at", createdAt == null ? null : createdAt.toString());
        json.put("updated_at", updatedAt == null ? null : updatedAt.toString());
        return json;
    }
}
