package dev.triggerfish.event;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** How {@code POST /api/events} paces itself and when it refuses new events. */
@ConfigMapping(prefix = "triggerfish.intake")
public interface IntakeConfig {

    /**
     * How long a request may wait for room on this replica's runner before its work is stored as
     * pending instead ({@code 0}: never wait).
     */
    @WithDefault("250ms")
    Duration maxWait();

    /** Waiting events and due executions (cluster-wide) past which intake answers 503. */
    @WithDefault("200000")
    long maxBacklog();

    /**
     * How many intake statements this replica runs at once. Requests that arrive while they run wait,
     * and the next statement stores them together (group commit: one transaction, one WAL flush).
     */
    @WithDefault("2")
    int statements();

    /** Seconds in the {@code Retry-After} of that 503. */
    @WithDefault("5")
    int retryAfter();
}
