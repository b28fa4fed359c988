package dev.triggerfish.retention;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** How long the history (events, executions and their steps) is kept, and how it is removed. */
@ConfigMapping(prefix = "triggerfish.retention")
public interface RetentionConfig {

    /** Remove old history at all (off: kept forever, and the tables grow without bound). */
    @WithDefault("true")
    boolean enabled();

    /**
     * An execution that ended longer ago than this is removed (with its steps), and so is a dispatched or
     * failed event older than this with no execution left. Executions still due, running or retrying are
     * kept whatever their age.
     */
    @WithDefault("30d")
    Duration maxAge();

    /**
     * How often each replica looks for history past {@link #maxAge}. Its default (1m) is in
     * application.properties: the sweep's {@code @Scheduled} reads the key.
     */
    Duration interval();

    /** Rows removed per transaction: small, so that no lock is held long and intake never waits on it. */
    @WithDefault("1000")
    int batchSize();

    /** Batches per table per sweep: a large backlog of old rows is removed over several sweeps. */
    @WithDefault("100")
    int maxBatches();
}
