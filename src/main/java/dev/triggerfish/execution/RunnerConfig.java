package dev.triggerfish.execution;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** How this replica runs executions. */
@ConfigMapping(prefix = "triggerfish.runner")
public interface RunnerConfig {

    /** Run executions on this replica at all. */
    @WithDefault("true")
    boolean enabled();

    /** Executions running at once on this replica (mostly waiting on webhook targets, so many per core). */
    @WithDefault("256")
    int concurrency();

    /** Executions claimed per query. */
    @WithDefault("100")
    int batchSize();

    /**
     * How long a claim lasts without a checkpoint or a heartbeat before another replica may take the
     * execution over (a dead replica's work moves on within this).
     */
    @WithDefault("15s")
    Duration lease();

    /**
     * How often this replica renews the claims of the executions it is running (well under the lease).
     * Its default (5s) is in application.properties: the heartbeat's {@code @Scheduled} reads the key.
     */
    Duration heartbeat();

    /**
     * How often to look for work that no notification announced (the rows are the truth). Its default
     * (1s) is in application.properties: the poll's {@code @Scheduled} reads the key.
     */
    Duration pollInterval();

    /**
     * Checkpoint flushes committing at once on this replica: the checkpoints written meanwhile wait, and
     * the next flush writes them together (one statement, one commit).
     */
    @WithDefault("2")
    int journalFlushes();

    /** At shutdown, how long running executions get to finish before they are released to other replicas. */
    @WithDefault("20s")
    Duration shutdownGrace();
}
