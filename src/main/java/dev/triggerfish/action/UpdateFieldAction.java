package dev.triggerfish.action;

import jakarta.inject.Singleton;

/** {@code update_field}: sets {@code field} to {@code value}, and fields computed by {@code variable_mappings}. */
@Singleton
public class UpdateFieldAction implements ActionHandler {

    @Override
    public String type() {
        return "update_field";
    }

    @Override
    public void validate(ConfigCheck action) {
        action.requireText("field");
        if (!action.object().containsKey("value") && !action.has("variable_mappings")) {
            action.error("value", "is required (or give variable_mappings)");
        }
        action.optionalObject("variable_mappings");
        if (action.object().get("variable_mappings") instanceof java.util.Map<?, ?> mappings) {
            mappings.forEach((name, mapping) -> VariableMappings.check(action, "variable_mappings." + name, mapping));
        }
    }
}
