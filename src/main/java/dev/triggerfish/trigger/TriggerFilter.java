package dev.triggerfish.trigger;

/** The list filters of {@code GET /api/event-triggers}; null means "any". */
public record TriggerFilter(String triggerType, String modelKey, Boolean isActive) {
}
