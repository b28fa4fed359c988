package dev.triggerfish.workflow;

import dev.triggerfish.support.FieldError;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The common fields of a definition as written to its API ({@code id}, {@code name},
 * {@code description}, {@code version}), checked; every problem a {@link FieldError} naming its field.
 *
 * @param id         the id asked for (the spec's examples name workflows and cadences by number), or null
 * @param definition the definition's own fields, checked by its kind
 */
public record DefinitionInput(Long id, String name, String description, Map<String, Object> definition, Integer version) {
    static final int MAX_NAME = 200;
    static final int MAX_DESCRIPTION = 2000;
    private static final Set<String> COMMON = Set.of("id", "name", "description", "version", "created_at", "updated_at");
    private static final long MAX_ID = 9_007_199_254_740_991L; // 2^53 - 1: exact in every JSON reader

    /** Reads the common fields of {@code body}; a field that is neither common nor one of {@code own} is an error. */
    public static DefinitionInput from(Map<String, Object> body, String what, Set<String> own, Map<String, Object> definition,
                                       List<FieldError> errors) {
        Set<String> fields = new TreeSet<>(own);
        fields.addAll(Set.of("id", "name", "description"));
        body.keySet().stream().filter(k -> !COMMON.contains(k) && !own.contains(k)).sorted()
                .forEach(k -> errors.add(new FieldError(k, "is not a field of a " + what + " (fields: " + String.join(", ", fields) + ")")));
        Long id = null;
        Object rawId = body.get("id");
        if (rawId instanceof Number n && (rawId instanceof Integer || rawId instanceof Long) && n.longValue() >= 1 && n.longValue() <= MAX_ID) {
            id = n.longValue();
        } else if (rawId != null) {
            errors.add(new FieldError("id", "must be a whole number from 1 to " + MAX_ID));
        }
        String name = null;
        Object rawName = body.get("name");
        if (rawName == null) {
            errors.add(new FieldError("name", "is required"));
        } else if (!(rawName instanceof String s) || s.isBlank() || s.length() > MAX_NAME) {
            errors.add(new FieldError("name", "must be a non-empty string of at most " + MAX_NAME + " characters"));
        } else {
            name = s;
        }
        String description = null;
        Object rawDescription = body.get("description");
        if (rawDescription != null && (!(rawDescription instanceof String s) || s.length() > MAX_DESCRIPTION)) {
            errors.add(new FieldError("description", "must be a string of at most " + MAX_DESCRIPTION + " characters"));
        } else {
            description = (String) rawDescription;
        }
        Integer version = null;
        Object rawVersion = body.get("version");
        if (rawVersion instanceof Integer v && v >= 0) {
            version = v;
        } else if (rawVersion != null) {
            errors.add(new FieldError("version", "must be the " + what + "'s version, a whole number"));
        }
        return new DefinitionInput(id, name, description, definition, version);
    }
}
