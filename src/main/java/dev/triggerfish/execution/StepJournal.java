package dev.triggerfish.execution;

import dev.triggerfish.event.ReplicaId;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Group commit of step checkpoints: the checkpoints of every execution running on this replica are
 * written together, one statement per flush, while the previous flush commits. Each writer waits for
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
    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean flushing = new AtomicBoolean();

    public StepJournal(ExecutionStore executions, Pool pool, RunnerConfig config, ReplicaId replica) {
        this.executions = executions;
        this.pool = pool;
        this.config = config;
        this.owner = replica.id();
    }

    /** Completes once {@code record} is committed; fails with {@link LostClaim} when this replica no longer held the execution. */
    public Uni<Void> write(StepRecord record) {
        return Uni.createFrom().emitter(emitter -> {
            queue.add(new Pending(record, emitter));
            flushIfIdle();
        });
    }

    private void flushIfIdle() {
        if (!queue.isEmpty() && flushing.compareAndSet(false, true)) {
            flush();
        }
    }

    private void flush() {
        List<Pending> batch = new ArrayList<>();
        Pending next;
        while (batch.size() < MAX_PER_FLUSH && (next = queue.poll()) != null) {
            batch.add(next);
        }
        if (batch.isEmpty()) {
            flushing.set(false);
            flushIfIdle();
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
        flushing.set(false);
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
