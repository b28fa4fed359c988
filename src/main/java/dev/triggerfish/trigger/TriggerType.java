package dev.triggerfish.trigger;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The trigger types of the spec. */
public enum TriggerType {
    MODEL_CREATED("model_created", true),
    MODEL_UPDATED("model_updated", true),
    MODEL_DELETED("model_deleted", true),
    /** Fires on the edge: conditions hold for the new state and did not for the old one. */
    FIELD_CHANGED("field_changed", true),
    TIME_BASED("time_based", false),
    WEBHOOK("webhook", false),
    MANUAL("manual", false);

    private static final Map<String, TriggerType> BY_WIRE_NAME = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(TriggerType::wireName, Function.identity()));

    private final String wireName;
    private final boolean needsModel;

    TriggerType(String wireName, boolean needsModel) {
        this.wireName = wireName;
        this.needsModel = needsModel;
    }

    public String wireName() {
        return wireName;
    }

    /** Whether the trigger must name the {@code model_type} whose changes it watches. */
    public boolean needsModel() {
        return needsModel;
    }

    public static TriggerType fromWireName(String name) {
        return name == null ? null : BY_WIRE_NAME.get(name);
    }

    public static String allWireNames() {
        return Arrays.stream(values()).map(TriggerType::wireName).collect(Collectors.joining(", "));
    }
}
