package dev.triggerfish.event;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;

import java.util.List;

/**
 * Matches events where they are accepted (the fast path of DESIGN.md): the events and the executions
 * they create are committed together, and those executions may start running on this replica as soon
 * as that is done. Declared here, implemented by the dispatcher.
 */
public interface InlineDispatch {

    /** Whether events should be matched where they are accepted (else they wait, new, for a dispatcher). */
    boolean enabled();

    /**
     * Reserves room on this replica's runner for the executions of about {@code events} events,
     * waiting up to {@code max} for it; returns the slots reserved (the caller hands them to
     * {@link #accept} or {@link #dispatch}, or gives them back with {@link #release}).
     */
    Uni<Integer> awaitRoom(int events, java.time.Duration max);

    /** Gives back reserved slots that were not used. */
    void release(int slots);

    /**
     * Stores {@code events} as dispatched with the executions they fire (matched before they are stored),
     * and runs at once in the {@code reserved} slots (and any others free) what can start now; the slots
     * it does not use it gives back, whatever happens. Completes once committed, with each event's id and
     * whether it is new: an event whose client id is stored already fires nothing again.
     */
    Uni<List<EventStore.Appended>> accept(List<NewEvent> events, int reserved);

    /**
     * Matches {@code events} (just stored, as dispatched, in {@code tx}) and inserts their executions in
     * {@code tx}, running at once in the {@code reserved} slots (and any others free) what can start now.
     */
    Uni<AfterCommit> dispatch(SqlClient tx, List<StoredEvent> events, int reserved);

    /** What to do once the transaction committed, or failed. */
    interface AfterCommit {
        AfterCommit NOTHING = new AfterCommit() {
            @Override
            public void committed() {
            }

            @Override
            public void abandoned() {
            }
        };

        void committed();

        void abandoned();
    }
}
