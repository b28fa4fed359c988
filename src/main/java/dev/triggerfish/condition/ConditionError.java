package dev.triggerfish.condition;

/** One reason a condition list cannot run, with the JSON path of the item at fault. */
public record ConditionError(String path, String message) {
}
