package dev.triggerfish.alert;

import io.vertx.core.json.JsonObject;

/**
 * A threshold crossed right now: a trigger failing ({@code failure_rate}, subject its id) or the backlog
 * late ({@code backlog}). {@code detail} is the measure, as the notification carries it.
 */
public record Breach(String kind, String subject, JsonObject detail) {
    public static final String FAILURE_RATE = "failure_rate";
    public static final String BACKLOG = "backlog";
}
