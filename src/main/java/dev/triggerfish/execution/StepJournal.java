package dev.triggerfish.execution;

import dev.triggerfish.support.HotPathPool;
import dev.triggerfish.support.ReplicaId;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Group commit of step checkpoints: the checkpoints of every execution running on this replica are
 * written together, one statement per flush, while earlier flushes commit (a few at once). Each writer waits for
 * the commit of its own checkpoint, so "recorded" still means durable.
 */
@ApplicationScoped
public class StepJournal {
    private static final int MAX_PER_FLUSH = 500;

    private record Pending(StepRecord record, UniEmitter<? super Void> done) {
    }

    private final ExecutionStore executions;
    private final Pool pool;
    private final RunnerConfig config;
    private final String owner;
    /** Flushes committing at once ({@code triggerfish.runner.journal-flushes}): one waits on the disk while the next fills. */
    private final int maxFlushes;
    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger flushing = new AtomicInteger();

    public StepJournal(ExecutionStore executions, HotPathPool pool, RunnerConfig config, ReplicaId replica) {
        this.executions = executions;
        this.pool = pool.pool();
        this.config = config;
        this.owner = replica.id();
        this.maxFlushes = config.journalFlushes();
        if (maxFlushes < 1) {
            throw new IllegalArgumentException("triggerfish.runner.journal-flushes is at least 1, not " + maxFlushes);
        }
    }

    /** Completes once {@code record} is committed; fails with {@link LostClaim} when this replica no longer held the execution. */
    public Uni<Void> write(StepRecord record) {
        return Uni.createFrom().emitter(emitter -> {
            queue.add(new Pending(record, emitter));
            flushIfIdle();
        });
    }

    /** Starts a flush when there is work and fewer than {@link #maxFlushes} are committing. */
    private void flushIfIdle() {
        while (!queue.isEmpty()) {
            int running = flushing.get();
            if (running >= maxFlushes) {
                return;
            }
            if (flushing.compareAndSet(running, running + 1)) {
                flush();
                return;
            }
        }
    }

    private void flush() {
        List<Pending> batch = new ArrayList<>();
        Pending next;
        while (batch.size() < MAX_PER_FLUSH && (next = queue.poll()) != null) {
            batch.add(next);
        }
        if (batch.isEmpty()) {
            done();
            return;
        }
        List<StepRecord> records = batch.stream().map(Pending::record).toList();
        executions.record(pool, owner, records, config.lease())
                .subscribe().with(
                        held -> {
                            done();
                            batch.forEach(p -> complete(p, held));
                        },
                        failure -> {
                            done();
                            batch.forEach(p -> p.done().fail(failure));
                        });
    }

    private void done() {
        flushing.decrementAndGet();
        flushIfIdle();
    }

    private static void complete(Pending pending, Set<Long> held) {
        long id = pending.record().execution().id();
        if (held.contains(id)) {
            pending.done().complete(null);
        } else {
            pending.done().fail(new LostClaim(id));
        }
    }
}
