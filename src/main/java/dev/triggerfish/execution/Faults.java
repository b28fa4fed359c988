package dev.triggerfish.execution;

import dev.triggerfish.action.StepResult;
import dev.triggerfish.action.TransientFault;
import dev.triggerfish.api.DatabaseUnavailable;
import io.vertx.core.VertxException;
import io.vertx.core.impl.NoStackTraceThrowable;
import io.vertx.pgclient.PgException;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * Which failures are worth a retry. Only a transient fault (a target that is down or slow) or the
 * database going away is; anything else (a template that does not render, a bad configuration, a
 * bug) would fail the same way again, so the step fails for good with the reason.
 */
final class Faults {
    /** SQLSTATE classes of a transaction that may succeed when run again: serialization failure, deadlock; resources; cancelled. */
    private static final Set<String> TRANSIENT_STATES = Set.of("40001", "40P01", "53000", "53100", "53200", "53300", "57014");

    private Faults() {
    }

    /** The failed step that {@code e} makes: worth a retry only when {@code e} is a transient fault. */
    static StepResult failedStep(Throwable e) {
        if (e instanceof StepFailed failed) {
            return failed.result();
        }
        TransientFault fault = transientFault(e);
        return fault == null ? StepResult.failed(reason(e), Map.of()) : StepResult.failed(fault, reason(e), Map.of());
    }

    static boolean isTransient(Throwable e) {
        return transientFault(e) != null;
    }

    /** The transient fault that {@code e} is or was caused by, or null when {@code e} would only repeat. */
    private static TransientFault transientFault(Throwable e) {
        if (DatabaseUnavailable.is(e)) {
            return new TransientFault(e);
        }
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TransientFault fault) {
                return fault;
            }
            if (t instanceof PgException pg ? TRANSIENT_STATES.contains(pg.getSqlState()) : databaseClientFault(t)) {
                return new TransientFault(t);
            }
        }
        return null;
    }

    /**
     * The database client's own failures (a pool closed or timed out, a connection closed or not
     * active, a rollback): the database, not the step. A PostgreSQL error is decided by its SQLSTATE.
     */
    private static boolean databaseClientFault(Throwable t) {
        return t instanceof VertxException || t instanceof NoStackTraceThrowable || t instanceof TimeoutException || t instanceof IOException;
    }

    static String reason(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** A failed step inside the checkpoint transaction: rolls its changes back, then is recorded on its own. */
    static final class StepFailed extends RuntimeException {
        private final transient StepResult result;

        StepFailed(StepResult result) {
            super(result.error(), null, false, false);
            this.result = result;
        }

        StepResult result() {
            return result;
        }
    }
}
