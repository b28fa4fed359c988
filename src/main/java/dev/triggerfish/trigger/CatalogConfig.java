package dev.triggerfish.trigger;

import io.smallrye.config.ConfigMapping;

import java.time.Duration;

/** How the trigger catalog stays fresh. */
@ConfigMapping(prefix = "triggerfish.catalog")
public interface CatalogConfig {

    /**
     * How often every replica reloads the triggers even without a change notification. Read by the
     * {@code @Scheduled} expression of {@link TriggerCatalog}; declared here, typed and documented with the
     * other keys. Its default is in application.properties, written once.
     */
    Duration refreshInterval();
}
