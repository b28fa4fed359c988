package dev.triggerfish.support;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Paces a measurement whose cost grows with what it measures (a count over a backlog): one at a time,
 * at most once per interval, and so that it takes no more than one part in {@code costFactor} of the
 * time, but never further apart than {@code maxIntervalNanos} (what it measures must not go unseen for
 * long). The first measurement's time is not taken as its cost (cold connections and plans). A count
 * of a large backlog, run every second on every replica, would otherwise spend the database's time
 * exactly when it has the least to spare. Times are {@link System#nanoTime()} values, passed in.
 */
public final class MeasurePacing {
    private final long intervalNanos;
    private final long maxIntervalNanos;
    private final int costFactor;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile long nextAt;
    private volatile boolean first = true;

    /** Due at {@code now} first. */
    public MeasurePacing(long intervalNanos, long maxIntervalNanos, int costFactor, long now) {
        this.intervalNanos = intervalNanos;
        this.maxIntervalNanos = maxIntervalNanos;
        this.costFactor = costFactor;
        this.nextAt = now;
    }

    /** Whether to measure at {@code now}; true means a measurement starts, to be ended by {@link #measured} or {@link #failed}. */
    public boolean start(long now) {
        return now - nextAt >= 0 && running.compareAndSet(false, true);
    }

    /**
     * The measurement ran from {@code startedAt} to {@code endedAt}: the next is due an interval later,
     * or later still (up to the maximum) when it was slow.
     */
    public void measured(long startedAt, long endedAt) {
        // the first ran on cold connections and plans: its time says nothing about the cost
        long cost = first ? 0 : (endedAt - startedAt) * costFactor;
        first = false;
        nextAt = startedAt + Math.min(maxIntervalNanos, Math.max(intervalNanos, cost));
        running.set(false);
    }

    /** The measurement failed: the next may start at once. */
    public void failed() {
        running.set(false);
    }
}
