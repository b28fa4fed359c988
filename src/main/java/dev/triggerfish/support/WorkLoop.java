package dev.triggerfish.support;

import io.smallrye.mutiny.Uni;
import org.jboss.logging.Logger;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Drains a queue of rows in batches, one batch at a time: {@link #wake()} (from a NOTIFY, a poll or
 * local work) starts a drain unless one runs, and a drain goes on while batches come back full or
 * while it was woken meanwhile.
 */
public final class WorkLoop {
    private static final Logger LOG = Logger.getLogger(WorkLoop.class);

    private final String name;
    private final Supplier<Uni<Integer>> batch;
    private final int fullBatch;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean woken = new AtomicBoolean();
    private volatile boolean stopped;

    /**
     * @param batch     processes one batch and says how many rows it took
     * @param fullBatch a batch of this size means more may be waiting
     */
    public WorkLoop(String name, Supplier<Uni<Integer>> batch, int fullBatch) {
        this.name = name;
        this.batch = batch;
        this.fullBatch = fullBatch;
    }

    public void wake() {
        woken.set(true);
        if (!stopped && running.compareAndSet(false, true)) {
            drain();
        }
    }

    /** No new batch starts after this. */
    public void stop() {
        stopped = true;
    }

    private void drain() {
        woken.set(false);
        Uni<Integer> next;
        try {
            next = batch.get();
        } catch (RuntimeException e) {
            finish(e);
            return;
        }
        next.subscribe().with(
                taken -> {
                    if (!stopped && (taken >= fullBatch || woken.get())) {
                        drain();
                    } else {
                        finish(null);
                    }
                },
                this::finish);
    }

    private void finish(Throwable failure) {
        if (failure != null) {
            LOG.warnf(failure, "%s: a batch failed; the next wake-up retries", name);
        }
        running.set(false);
        if (!stopped && failure == null && woken.get() && running.compareAndSet(false, true)) {
            drain();
        }
    }
}
