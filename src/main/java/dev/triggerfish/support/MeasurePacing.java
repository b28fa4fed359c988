package dev.triggerfish.support;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Paces a measurement whose cost grows with what it measures (a count over a backlog): one at a time,
 * at most once per interval, and so that it takes no more than one part in {@code costFactor} of the
 * time. A count of a large backlog, run every second on every replica, would otherwise spend the
 * database's time exactly when it has the least to spare. Times are {@link System#nanoTime()} values,
 * passed in.
 */
public final class MeasurePacing {
    private final long intervalNanos;
    private final int costFactor;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile long nextAt;

    /** Due at {@code now} first. */
    public MeasurePacing(long intervalNanos, int costFactor, long now) {
        this.intervalNanos = intervalNanos;
        this.costFactor = costFactor;
        this.nextAt = now;
    }

    /** Whether to measure at {@code now}; true means a measurement starts, to be ended by {@link #measured} or {@link #failed}. */
    public boolean start(long now) {
        return now - nextAt >= 0 && running.compareAndSet(false, true);
    }

    /** The measurement ran from {@code startedAt} to {@code endedAt}: the next is due an interval later, or later still when it was slow. */
    public void measured(long startedAt, long endedAt) {
        nextAt = startedAt + Math.max(intervalNanos, (endedAt - startedAt) * costFactor);
        running.set(false);
    }

    /** The measurement failed: the next may start at once. */
    public void failed() {
        running.set(false);
    }
}
