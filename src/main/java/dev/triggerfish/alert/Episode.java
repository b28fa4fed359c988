package dev.triggerfish.alert;

import io.vertx.core.json.JsonObject;

import java.time.OffsetDateTime;

/** One stretch of a breach, from the measure that opened it ({@code detail}) until it closed (null while open). */
public record Episode(long id, String kind, String subject, JsonObject detail, OffsetDateTime openedAt, OffsetDateTime closedAt) {

    public boolean open() {
        return closedAt == null;
    }
}
