package dev.triggerfish.event;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;

import java.util.List;

/**
 * Matches events in the transaction that stores them (the fast path of DESIGN.md): the executions
 * they create are inserted there, and may start running on this replica as soon as it commits.
 * Declared here, implemented by the dispatcher.
 */
public interface InlineDispatch {

    /** Whether events should be matched where they are accepted (else they wait, new, for a dispatcher). */
    boolean enabled();

    /**
     * Reserves room on this replica's runner for the executions of about {@code events} events,
     * waiting up to {@code max} for it; returns the slots reserved (the caller hands them to
     * {@link #dispatch} or gives them back with {@link #release}).
     */
    Uni<Integer> awaitRoom(int events, java.time.Duration max);

    /** Gives back reserved slots that were not used. */
    void release(int slots);

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
