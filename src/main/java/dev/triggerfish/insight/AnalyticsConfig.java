package dev.triggerfish.insight;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** The analytics rollup: how often it is brought up to date, and how long it waits for an ending to settle. */
@ConfigMapping(prefix = "triggerfish.analytics")
public interface AnalyticsConfig {

    /**
     * How often the rollup reads the executions that ended since it last did. Read by the
     * {@code @Scheduled} expression of {@link RollupKeeper}; its default is in application.properties.
     */
    Duration rollupInterval();

    /**
     * How long after its {@code completed_at} an ending is rolled up: the transaction that wrote it has
     * committed by then (its time is the transaction's start), so none is passed over.
     */
    @WithDefault("30s")
    Duration rollupLag();

    /** Executions per day rolled up by one statement, so that catching up on a long history stays in small steps. */
    @WithDefault("1")
    int rollupStepDays();
}
