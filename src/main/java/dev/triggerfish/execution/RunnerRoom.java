package dev.triggerfish.execution;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The runner's execution slots on this replica ({@code triggerfish.runner.concurrency}): the runner
 * reserves slots before it claims, and intake before it stores events, so that intake paces itself
 * to the runner and what it accepts starts at once instead of queueing twice. Waiting
 * requests, and a claim waiting for room ({@link #awaitClaimRoom}), are served first come, first served.
 */
@ApplicationScoped
public class RunnerRoom {
    private final int capacity;
    private final AtomicInteger inUse = new AtomicInteger();
    private final Queue<Waiter> waiters = new ConcurrentLinkedQueue<>();
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private volatile Runnable onFreed = () -> { };
    private volatile boolean closed;

    @Inject
    public RunnerRoom(RunnerConfig config) {
        this(config.enabled() ? config.concurrency() : 0); // a replica that runs nothing has no room
    }

    public RunnerRoom(int capacity) {
        this.capacity = capacity;
    }

    /** Called whenever slots come free (the runner claims more work then). */
    void whenFreed(Runnable listener) {
        this.onFreed = listener;
    }

    int inUse() {
        return inUse.get();
    }

    /** Reserves up to {@code wanted} slots, as many as are free; returns how many were granted. */
    public int reserve(int wanted) {
        if (closed) {
            return 0;
        }
        while (true) {
            int used = inUse.get();
            int granted = Math.max(0, Math.min(wanted, capacity - used));
            if (granted == 0 || inUse.compareAndSet(used, used + granted)) {
                return granted;
            }
        }
    }

    /** Gives back slots: reserved ones that were not used, or the slot of an execution that ended. */
    public void release(int slots) {
        int left = inUse.addAndGet(-slots);
        if (!waiters.isEmpty()) {
            signal();
        }
        if (left == 0 && closed) {
            drained.complete(null);
        }
        onFreed.run();
    }

    /**
     * Reserves {@code slots} slots (at most the capacity), waiting up to {@code max} for them to be
     * free; after {@code max}, reserves what is free (maybe nothing: that work then waits as pending,
     * for any replica). The caller owns the slots granted: it runs executions in them or gives them
     * back with {@link #release}. Completes on the caller's Vert.x context.
     */
    public Uni<Integer> awaitRoom(int slots, Duration max) {
        int wanted = Math.min(slots, capacity);
        if (closed || wanted <= 0) {
            return Uni.createFrom().item(0);
        }
        if (max.isZero()) {
            return Uni.createFrom().item(reserve(wanted));
        }
        if (tryReserve(wanted)) {
            return Uni.createFrom().item(wanted);
        }
        Context context = Vertx.currentContext();
        AtomicReference<Waiter> waiting = new AtomicReference<>();
        return Uni.createFrom().<Integer>emitter(emitter -> {
                    Waiter waiter = new Waiter(wanted, emitter);
                    waiting.set(waiter);
                    waiters.add(waiter);
                    Infrastructure.getDefaultWorkerPool().schedule(() -> expire(waiter), max.toMillis(), TimeUnit.MILLISECONDS);
                    signal();
                })
                .emitOn(task -> onContext(context, task))
                .onCancellation().invoke(() -> leave(waiting.get()));
    }

    /** Whether a claim needing {@code least} slots would wait for its turn ({@link #awaitClaimRoom}). */
    boolean isShort(int least) {
        int used = inUse.get();
        return used > 0 && capacity - used < least;
    }

    /**
     * Room for a claim of up to {@code batch} executions: at once when nothing runs or at least
     * {@code least} slots are free (as many as are free then, up to {@code batch}); else the claim waits
     * its turn for {@code least} slots with the waiting intake requests, up to {@code max} (then it takes
     * what is free, maybe nothing). Without a turn, a busy intake took every slot freed, and due work in
     * the database (retries, delays, schedules, what intake could not run here) waited until intake eased.
     */
    Uni<Integer> awaitClaimRoom(int batch, int least, Duration max) {
        if (!isShort(least)) {
            int granted = reserve(batch);
            if (granted > 0 || closed) {
                return Uni.createFrom().item(granted);
            }
        }
        return awaitRoom(least, max);
    }

    /**
     * No new waits after this, and those waiting get nothing (their work waits as pending, for any
     * replica); {@link #awaitDrained} then waits for the slots in use to be given back.
     */
    void close() {
        closed = true;
        Waiter waiter;
        while ((waiter = waiters.poll()) != null) {
            if (waiter.settle()) {
                waiter.grant(0);
            }
        }
        if (inUse.get() == 0) {
            drained.complete(null);
        }
    }

    /** Blocks up to {@code max} for every slot to be free after {@link #close}; true when they are. */
    boolean awaitDrained(Duration max) throws InterruptedException {
        try {
            drained.get(max.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return false;
        }
    }

    /** An intake request waiting for slots; settled once, by a grant, its deadline or its cancellation. */
    private record Waiter(int slots, UniEmitter<? super Integer> emitter, AtomicBoolean settled, AtomicInteger granted) {
        Waiter(int slots, UniEmitter<? super Integer> emitter) {
            this(slots, emitter, new AtomicBoolean(), new AtomicInteger());
        }

        boolean settle() {
            return settled.compareAndSet(false, true);
        }

        void grant(int count) {
            granted.set(count);
            emitter.complete(count);
        }
    }

    /** The waiter waited long enough: it gets whatever is free now. */
    private void expire(Waiter waiter) {
        if (waiter.settle()) {
            waiters.remove(waiter);
            waiter.grant(reserve(waiter.slots()));
        }
    }

    /** The request went away while it waited. */
    private void leave(Waiter waiter) {
        if (waiter == null) {
            return;
        }
        if (waiter.settle()) {
            waiters.remove(waiter); // not served yet: it leaves the queue
            return;
        }
        int granted = waiter.granted().getAndSet(0); // served, but the slots never reached the request
        if (granted > 0) {
            release(granted);
        }
    }

    /** Reserves exactly {@code slots} if that many are free. */
    private boolean tryReserve(int slots) {
        while (true) {
            int used = inUse.get();
            if (capacity - used < slots) {
                return false;
            }
            if (inUse.compareAndSet(used, used + slots)) {
                return true;
            }
        }
    }

    /** Grants waiting requests their slots, first come first served, as far as the free slots go. */
    private void signal() {
        Waiter waiter;
        while ((waiter = waiters.peek()) != null) {
            if (waiter.settled().get()) {
                waiters.remove(waiter);
            } else if (!tryReserve(waiter.slots())) {
                return;
            } else if (waiter.settle()) {
                waiters.remove(waiter);
                waiter.grant(waiter.slots());
            } else {
                inUse.addAndGet(-waiter.slots()); // its deadline settled it meanwhile
            }
        }
    }

    private static void onContext(Context context, Runnable task) {
        if (context == null) {
            task.run();
        } else {
            context.runOnContext(ignored -> task.run());
        }
    }
}
