package dev.triggerfish.inbound;

import dev.triggerfish.action.ConfigCheck;
import dev.triggerfish.api.Ids;
import dev.triggerfish.condition.FieldPath;
import dev.triggerfish.support.EntityType;
import dev.triggerfish.support.FieldError;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which CRM record a source's payloads concern: the payload names it by type and id
 * ({@code type_field}, {@code id_field}: payload paths), or the source looks it up by attributes
 * ({@code lookup}: record attribute → payload path, e.g. {@code {"email": "email"}}); when none is
 * found, {@code when_missing} decides: {@code create} it, or {@code run_without} one.
 *
 * @param modelKey the canonical record type, or null when the payload names it
 */
public record RecordRule(String modelType, String modelKey, String typeField, String idField, Map<String, String> lookup,
                         WhenMissing whenMissing) {
    static final RecordRule DEFAULT = new RecordRule(null, null, "entity_type", "entity_id", Map.of(), WhenMissing.RUN_WITHOUT);
    private static final Set<String> FIELDS = Set.of("model_type", "type_field", "id_field", "lookup", "when_missing");

    /** What happens when no record is found. */
    public enum WhenMissing {
        CREATE("create"), RUN_WITHOUT("run_without");

        private final String wire;

        WhenMissing(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }

        static WhenMissing parse(Object raw) {
            for (WhenMissing w : values()) {
                if (w.wire.equals(raw)) {
                    return w;
                }
            }
            return null;
        }
    }

    /** How a payload names its record: by id, by attributes to look up, or not at all. */
    public sealed interface Naming {
        /** The record {@code type}/{@code id} the payload names. */
        record ById(String type, String id) implements Naming {
        }

        /** The record of {@code type} whose attributes hold {@code attributes}. */
        record ByLookup(String type, Map<String, Object> attributes) implements Naming {
        }

        record None() implements Naming {
        }
    }

    /** The rule of {@code raw} (the source's {@code record} object, or null for the default), with errors added under {@code record}. */
    static RecordRule read(Object raw, List<FieldError> errors) {
        if (raw == null) {
            return DEFAULT;
        }
        if (!(raw instanceof Map<?, ?> map)) {
            errors.add(new FieldError("record", "must be an object (model_type, type_field, id_field, lookup, when_missing)"));
            return DEFAULT;
        }
        @SuppressWarnings("unchecked")
        ConfigCheck check = new ConfigCheck((Map<String, Object>) map, "record", errors);
        map.keySet().stream().map(String::valueOf).filter(k -> !FIELDS.contains(k)).sorted()
                .forEach(k -> check.error(k, "is not a field of a record rule (fields: " + String.join(", ", new java.util.TreeSet<>(FIELDS)) + ")"));
        String modelType = null;
        String modelKey = null;
        if (map.get("model_type") != null) {
            if (map.get("model_type") instanceof String s && EntityType.isValid(s)) {
                modelType = s;
                modelKey = EntityType.canonical(s);
            } else {
                check.error("model_type", "must be a model name such as 'App\\Models\\Contact' or 'Contact'");
            }
        }
        String typeField = path(map, "type_field", DEFAULT.typeField, check);
        String idField = path(map, "id_field", DEFAULT.idField, check);
        Map<String, String> lookup = new LinkedHashMap<>();
        Object rawLookup = map.get("lookup");
        if (rawLookup instanceof Map<?, ?> l && l.size() <= 5) {
            l.forEach((attribute, payloadPath) -> {
                if (!(attribute instanceof String a) || !a.matches("[A-Za-z_][A-Za-z0-9_]{0,99}")) {
                    check.error("lookup." + attribute, "must name a record attribute (letters, digits, _)");
                } else if (!(payloadPath instanceof String p) || !FieldPath.of(p).isWellFormed() || p.length() > 200) {
                    check.error("lookup." + attribute, "must be a payload path such as 'email' or 'contact.email'");
                } else {
                    lookup.put(a, p);
                }
            });
        } else if (rawLookup != null) {
            check.error("lookup", "must be an object of at most 5 entries: record attribute -> payload path, e.g. {\"email\": \"email\"}");
        }
        if (!lookup.isEmpty() && modelKey == null) {
            check.error("model_type", "is required with lookup: the type of the records looked up");
        }
        WhenMissing whenMissing = WhenMissing.RUN_WITHOUT;
        if (map.get("when_missing") != null) {
            whenMissing = WhenMissing.parse(map.get("when_missing"));
            if (whenMissing == null) {
                check.error("when_missing", "must be create or run_without");
                whenMissing = WhenMissing.RUN_WITHOUT;
            }
        }
        return new RecordRule(modelType, modelKey, typeField, idField, Map.copyOf(lookup), whenMissing);
    }

    private static String path(Map<?, ?> map, String key, String fallback, ConfigCheck check) {
        Object raw = map.get(key);
        if (raw == null) {
            return fallback;
        }
        if (raw instanceof String s && !s.isBlank() && s.length() <= 200 && FieldPath.of(s).isWellFormed()) {
            return s;
        }
        check.error(key, "must be a payload path such as 'entity_id' or 'contact.id'");
        return fallback;
    }

    /**
     * How {@code payload} names its record. A payload's type that is not the rule's {@code model_type}
     * is refused (the source decides which records its senders may reach).
     *
     * @throws PayloadRefused naming the payload path
     */
    Naming naming(Map<String, Object> payload) {
        Object rawType = FieldPath.of(typeField).read(payload, null);
        String type = modelKey;
        if (rawType != null) {
            if (!(rawType instanceof String s) || !EntityType.isValid(s)) {
                throw new PayloadRefused(typeField, "must be a record type such as 'Contact'");
            }
            if (modelKey != null && !modelKey.equals(EntityType.canonical(s))) {
                throw new PayloadRefused(typeField, "names a record type this source does not reach (it reaches " + modelType + ")");
            }
            type = EntityType.canonical(s);
        }
        Object rawId = FieldPath.of(idField).read(payload, null);
        if (rawId != null) {
            String id = Ids.text(rawId);
            if (id == null || id.isBlank() || id.length() > 200) {
                throw new PayloadRefused(idField, "must be a record id: a non-empty string (at most 200 characters) or a whole number");
            }
            if (type == null) {
                throw new PayloadRefused(typeField, "is required with " + idField + ": the type of the record (or set the source's record.model_type)");
            }
            return new Naming.ById(type, id);
        }
        if (lookup.isEmpty()) {
            return new Naming.None();
        }
        Map<String, Object> attributes = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : lookup.entrySet()) {
            Object value = FieldPath.of(e.getValue()).read(payload, null);
            if (value == null) {
                return new Naming.None(); // the payload does not carry what the lookup needs
            }
            if (value instanceof Map<?, ?> || value instanceof List<?>) {
                throw new PayloadRefused(e.getValue(), "must be a single value to look the record up by " + e.getKey());
            }
            attributes.put(e.getKey(), value);
        }
        return new Naming.ByLookup(modelKey, attributes);
    }

    Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("model_type", modelType);
        json.put("type_field", typeField);
        json.put("id_field", idField);
        json.put("lookup", lookup);
        json.put("when_missing", whenMissing.wire());
        return json;
    }
}
