package dev.triggerfish.execution;

import dev.triggerfish.action.StepResult;
import dev.triggerfish.action.TransientFault;
import dev.triggerfish.api.ApiProblem;
import dev.triggerfish.api.DatabaseUnavailable;
import io.vertx.pgclient.PgException;

import java.util.Map;
import java.util.Set;

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

    /** The failed step that {@code e} makes. */
    static StepResult failedStep(Throwable e) {
        if (e instanceof StepFailed failed) {
            return failed.result();
        }
        return StepResult.failed(reason(e), Map.of("retryable", isTransient(e)));
    }

    static boolean isTransient(Throwable e) {
        if (DatabaseUnavailable.is(e)) {
            return true;
        }
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TransientFault || t instanceof java.util.concurrent.TimeoutException || t instanceof java.io.IOException
                    || t instanceof PgException pg && TRANSIENT_STATES.contains(pg.getSqlState())) {
                return true;
            }
            if (t.getClass().getName().startsWith("io.vertx.") && !(t instanceof PgException)) {
                return true; // the client's own failures (a pool closed or timed out, a connection not active): the database, not the step
            }
            if (t instanceof ApiProblem) {
                return false;
            }
        }
        return false;
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
