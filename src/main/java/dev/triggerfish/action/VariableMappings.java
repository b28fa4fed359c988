package dev.triggerfish.action;

import java.util.Map;
import java.util.Set;

/**
 * The {@code variable_mappings} of {@code update_field}: each names a field and where its value comes
 * from ({@code computed} with a {@code computation}, {@code entity} with a {@code field},
 * {@code context} with a {@code key}, or {@code static} with a {@code value}).
 */
public final class VariableMappings {
    public static final Set<String> SOURCES = Set.of("computed", "entity", "context", "static");
    public static final Set<String> COMPUTATIONS = Set.of("current_date", "current_datetime", "current_timestamp", "uuid");

    private VariableMappings() {
    }

    static void check(ConfigCheck action, String key, Object mapping) {
        if (!(mapping instanceof Map<?, ?> m)) {
            action.error(key, "must be an object with a 'source'");
            return;
        }
        Object source = m.get("source");
        if (!(source instanceof String s) || !SOURCES.contains(s)) {
            action.error(key + ".source", "must be one of: " + String.join(", ", SOURCES));
            return;
        }
        switch (s) {
            case "computed" -> {
                if (!(m.get("computation") instanceof String c) || !COMPUTATIONS.contains(c)) {
                    action.error(key + ".computation", "must be one of: " + String.join(", ", COMPUTATIONS));
                }
            }
            case "entity" -> {
                if (!(m.get("field") instanceof String f) || f.isBlank()) {
                    action.error(key + ".field", "is required for source 'entity'");
                }
            }
            case "context" -> {
                if (!(m.get("key") instanceof String k) || k.isBlank()) {
                    action.error(key + ".key", "is required for source 'context'");
                }
            }
            default -> {
                if (!m.containsKey("value")) {
                    action.error(key + ".value", "is required for source 'static'");
                }
            }
        }
    }
}
