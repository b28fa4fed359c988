package dev.triggerfish.event;

import dev.triggerfish.api.ApiProblem;
import dev.triggerfish.support.HotPathPool;
import dev.triggerfish.support.ToTheEnd;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * The one way events enter from outside ({@code POST /api/events}, inbound webhooks): refused while
 * the backlog is over its bound, stored in one transaction, matched with it when inline dispatch is on
 * (their executions starting on this replica once it commits), and answered only once committed.
 * Events as sent ({@link #accept(List)}) take one statement, so one round trip; events worked out in
 * their transaction ({@link #accept(int, Function)}) take a transaction of several statements.
 */
@ApplicationScoped
public class EventIntake {
    private final EventStore store;
    /** The one statement of {@link #accept(List)}: planned once (see HotPathPool). */
    private final Pool hotPath;
    /** The transactions of {@link #accept(int, Function)}: their lookups are ad hoc, planned for their values. */
    private final Pool pool;
    private final Instance<InlineDispatch> inline;
    private final IntakeGate gate;
    /** How long a request may wait for this replica's runner to have room (then its work waits as pending). */
    private final Duration maxWait;

    public EventIntake(EventStore store, Pool pool, HotPathPool hotPath, Instance<InlineDispatch> inline, IntakeGate gate,
                       IntakeConfig config) {
        this.store = store;
        this.pool = pool;
        this.hotPath = hotPath.pool();
        this.inline = inline;
        this.gate = gate;
        this.maxWait = config.maxWait();
    }

    /** Refuses new events with 503 and {@code Retry-After} while the backlog is over its bound. */
    public void refuseIfOverloaded() {
        if (gate.overloaded()) {
            throw new ApiProblem(503, "Overloaded", gate.backlog() + " events and executions are waiting; retry in "
                    + gate.retryAfterSeconds() + " s").withHeader("Retry-After", Integer.toString(gate.retryAfterSeconds()));
        }
    }

    /**
     * Stores {@code events} (and matches them); completes once committed with each one's id and whether it
     * is new. One statement in autocommit: without inline dispatch the append alone (a dispatcher matches
     * them later), else the dispatcher's (see {@link InlineDispatch#accept}).
     */
    public Uni<List<EventStore.Appended>> accept(List<NewEvent> events) {
        if (!inline.isResolvable() || !inline.get().enabled()) {
            return store.appendAll(hotPath, events, false);
        }
        InlineDispatch dispatch = inline.get();
        // runner slots reserved for this request's executions, until the dispatch takes them
        AtomicInteger held = new AtomicInteger();
        return dispatch.awaitRoom(events.size(), maxWait)
                .invoke(held::set)
                .flatMap(ignored -> dispatch.accept(events, held.getAndSet(0)))
                .onTermination().invoke(() -> dispatch.release(held.getAndSet(0))); // cancelled before the dispatch took them
    }

    /**
     * As {@link #accept(List)}, for events that {@code prepare} works out in the transaction that stores
     * them (reading or writing what they depend on there: one commit for all of it).
     *
     * @param expected about how many events {@code prepare} gives (the runner room reserved for them)
     */
    public Uni<List<EventStore.Appended>> accept(int expected, Function<SqlClient, Uni<List<NewEvent>>> prepare) {
        AtomicReference<InlineDispatch.AfterCommit> after = new AtomicReference<>(InlineDispatch.AfterCommit.NOTHING);
        boolean inlineDispatch = inline.isResolvable() && inline.get().enabled();
        // runner slots reserved for this request's executions, until the inline dispatch takes them
        AtomicInteger held = new AtomicInteger();
        Uni<Integer> room = inlineDispatch ? inline.get().awaitRoom(expected, maxWait) : Uni.createFrom().item(0);
        // the transaction runs to its end even when the client goes away (it would commit anyway): see ToTheEnd
        return room.invoke(held::set).flatMap(ignored -> ToTheEnd.run(pool.withTransaction(tx -> prepare.apply(tx)
                        .flatMap(events -> store.appendAll(tx, events, inlineDispatch)
                                .flatMap(appended -> dispatchInline(tx, events, appended, held)
                                        .invoke(after::set)
                                        .replaceWith(appended))))
                .onItem().invoke(() -> after.get().committed())
                .onFailure().invoke(() -> after.get().abandoned())))
                .onTermination().invoke(() -> {
                    int unused = held.getAndSet(0); // nothing new to run (replayed ids), or the request failed or was cancelled
                    if (unused > 0) {
                        inline.get().release(unused);
                    }
                });
    }

    /** The events this call stored (not the replays of stored ones), matched in the same transaction. */
    private Uni<InlineDispatch.AfterCommit> dispatchInline(SqlClient tx, List<NewEvent> events, List<EventStore.Appended> appended,
                                                        AtomicInteger held) {
        if (!inline.isResolvable() || !inline.get().enabled()) {
            return Uni.createFrom().item(InlineDispatch.AfterCommit.NOTHING);
        }
        List<StoredEvent> stored = new ArrayList<>();
        OffsetDateTime now = OffsetDateTime.now();
        for (int i = 0; i < events.size(); i++) {
            if (appended.get(i).inserted()) {
                NewEvent e = events.get(i);
                stored.add(new StoredEvent(appended.get(i).id(), e.kind(), e.entityType(), e.entityId(), e.oldState(), e.newState(),
                        e.context(), e.source(), e.chainDepth(), e.originTriggerId(), now));
            }
        }
        return stored.isEmpty() ? Uni.createFrom().item(InlineDispatch.AfterCommit.NOTHING) : inline.get().dispatch(tx, stored, held.getAndSet(0));
    }
}
