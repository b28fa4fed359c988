package dev.triggerfish.trigger;

import io.smallrye.mutiny.Uni;

/** Whether an inbound webhook source of a name exists: declared here for the trigger's warnings, implemented by the inbound package. */
public interface WebhookSourceNames {
    Uni<Boolean> exists(String name);
}
