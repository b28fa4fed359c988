package dev.triggerfish.crm;

import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A CRM record of any type: its own fields ({@code attributes}), tags, assignee, and references such
 * as {@code company_id} that make {@code company.*} reachable from conditions and templates.
 * {@code externalIds} are the ids other systems gave it ({@code sync_to_external}), by integration:
 * written by the engine only, beside the attributes, so no client write can drop them.
 */
public record CrmRecord(String type, String id, Map<String, Object> attributes, List<String> tags, String assignedTo,
                        int version, OffsetDateTime createdAt, OffsetDateTime updatedAt, Map<String, Object> externalIds) {

    /** Keys of the flat JSON form that are not attributes. */
    public static final List<String> RESERVED = List.of("id", "type", "tags", "assigned_to", "version", "created_at", "updated_at",
            "external_ids");

    /**
     * The record as the API writes it and as conditions see it: attributes at the top level beside
     * {@code id}, {@code type}, {@code tags}, {@code assigned_to}, {@code version}, the ISO times and,
     * once synced, {@code external_ids}.
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
        if (externalIds != null && !externalIds.isEmpty()) {
            json.put("external_ids", externalIds);
        }
        return json;
    }
}
