package dev.triggerfish.event;

import dev.triggerfish.api.Ids;
import dev.triggerfish.support.EntityType;
import dev.triggerfish.support.FieldError;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One event as {@code POST /api/events} takes it: {@code event} (created, updated, deleted or a
 * custom name), {@code entity_type}, {@code entity_id}, {@code record} (the new state),
 * {@code previous} (the old state) or {@code changes} ({@code {"stage": {"from": "a", "to": "b"}}}),
 * {@code context}, and an optional {@code event_id} that makes a resend a no-op.
 */
final class EventInput {
    private static final Pattern KIND = Pattern.compile("[a-z][a-z0-9_.:-]{0,99}");

    private EventInput() {
    }

    /** The event at {@code path} ({@code ""} for a single event, {@code [3]} in a batch), or null with errors added. */
    static NewEvent read(Object raw, String path, List<FieldError> errors) {
        int before = errors.size();
        if (!(raw instanceof Map<?, ?> body)) {
            errors.add(new FieldError(path.isEmpty() ? "$" : path, "must be an event object"));
            return null;
        }
        String kind = body.get("event") instanceof String k ? k : null;
        if (kind == null || !KIND.matcher(kind).matches()) {
            errors.add(new FieldError(at(path, "event"), "is required: created, updated, deleted, or a custom name such as 'lead.scored'"));
        }
        String type = body.get("entity_type") instanceof String t && EntityType.isValid(t) ? EntityType.canonical(t) : null;
        if (type == null) {
            errors.add(new FieldError(at(path, "entity_type"), "is required: a record type such as 'Contact' or 'App\\Models\\Deal'"));
        }
        Object rawId = body.get("entity_id");
        String id = Ids.text(rawId);
        if (rawId != null && (id == null || id.isBlank() || id.length() > 200)) {
            errors.add(new FieldError(at(path, "entity_id"), "must be a non-empty string (at most 200 characters) or a whole number"));
        }
        Map<String, Object> record = object(body, "record", path, errors);
        Map<String, Object> previous = object(body, "previous", path, errors);
        Map<String, Object> changes = object(body, "changes", path, errors);
        Map<String, Object> context = object(body, "context", path, errors);
        Object rawClientId = body.get("event_id");
        String clientId = Ids.text(rawClientId);
        if (rawClientId != null && (clientId == null || clientId.isBlank() || clientId.length() > 200)) {
            errors.add(new FieldError(at(path, "event_id"), "must be a string (at most 200 characters) or a whole number"));
        } else if (clientId != null && NewEvent.reservedPrefix(clientId) != null) {
            // inbound webhooks and time-based slots dedupe on these ids: an API event must not pre-empt them
            errors.add(new FieldError(at(path, "event_id"), "must not start with '" + NewEvent.reservedPrefix(clientId)));
        }
        if (("created".equals(kind) || "updated".equals(kind)) && record == null && changes == null) {
            errors.add(new FieldError(at(path, "record"), "is required for '" + kind + "' events (or give 'changes')"));
        }
        if ("deleted".equals(kind) && previous == null && record == null) {
            errors.add(new FieldError(at(path, "previous"), "is required for 'deleted' events: the state that was deleted"));
        }
        if (changes != null) {
            changes.forEach((field, change) -> {
                if (!(change instanceof Map<?, ?> c) || !c.containsKey("to") && !c.containsKey("from")) {
                    errors.add(new FieldError(at(path, "changes." + field), "must be {\"from\": old, \"to\": new}"));
                }
            });
        }
        if (errors.size() > before) {
            return null;
        }
        Map<String, Object> newState = record;
        Map<String, Object> oldState = previous;
        if (changes != null) {
            newState = new LinkedHashMap<>(record == null ? Map.of() : record);
            oldState = new LinkedHashMap<>(previous != null ? previous : newState);
            for (Map.Entry<String, Object> e : changes.entrySet()) {
                Map<?, ?> change = (Map<?, ?>) e.getValue();
                if (change.containsKey("to")) {
                    newState.put(e.getKey(), change.get("to"));
                }
                oldState.put(e.getKey(), change.get("from"));
            }
        }
        if ("deleted".equals(kind)) {
            oldState = oldState != null ? oldState : newState;
            newState = null;
        }
        if ("created".equals(kind)) {
            oldState = null;
        }
        return new NewEvent(kind, type, id, oldState, newState, changes, context, "api", 0, null,
                clientId);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Map<?, ?> body, String key, String path, List<FieldError> errors) {
        Object value = body.get(key);
        if (value != null && !(value instanceof Map<?, ?>)) {
            errors.add(new FieldError(at(path, key), "must be a JSON object"));
            return null;
        }
        return (Map<String, Object>) value;
    }

    private static String at(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }
}
