package dev.triggerfish.cadence;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** How this replica runs the cadences' due steps. */
@ConfigMapping(prefix = "triggerfish.cadence")
public interface CadenceConfig {

    /** Look for due cadence steps on this replica at all. */
    @WithDefault("true")
    boolean enabled();

    /** Enrolments taken per transaction. */
    @WithDefault("100")
    int batchSize();

    /**
     * How often to look for enrolments whose next step is due. Its default (5s) is in
     * application.properties: the scan's {@code @Scheduled} reads the key.
     */
    Duration pollInterval();
}
