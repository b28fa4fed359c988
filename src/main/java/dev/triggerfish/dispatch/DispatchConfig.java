package dev.triggerfish.dispatch;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** How events are matched to triggers. */
@ConfigMapping(prefix = "triggerfish.dispatch")
public interface DispatchConfig {

    /** Match events on this replica at all. */
    @WithDefault("true")
    boolean enabled();

    /** Events claimed per query. */
    @WithDefault("200")
    int batchSize();

    /** How long a claim on events lasts before another replica may take them over. */
    @WithDefault("30s")
    Duration lease();

    /**
     * An action's change is an event one level deeper than the event that ran it; deeper than this,
     * the triggers it matches are recorded as skipped instead of run.
     */
    @WithDefault("5")
    int maxChainDepth();

    /**
     * Claims of one event before it is {@code failed} (its dispatch kept failing, or the replicas holding
     * it kept stopping); {@code POST /api/events/{id}/redispatch} starts it again.
     */
    @WithDefault("5")
    int maxAttempts();

    /**
     * How often to look for events that no notification announced (the rows are the truth). Read by the
     * {@code @Scheduled} expression of {@link Dispatcher}; its default is in application.properties.
     */
    Duration pollInterval();
}
