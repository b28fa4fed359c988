package dev.triggerfish.api;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;

import java.net.ConnectException;
import java.util.Set;

/**
 * Whether a failure means PostgreSQL cannot be reached (down, restarting, or the connection was cut)
 * rather than a fault in the request: such a request is answered 503 with Retry-After, not 500.
 */
public final class DatabaseUnavailable {
    public static final int RETRY_AFTER_SECONDS = 2;

    /** SQLSTATEs of a server going away or not there yet: admin shutdown, crash shutdown, cannot connect now. */
    private static final Set<String> STATES = Set.of("57P01", "57P02", "57P03", "08000", "08003", "08006", "08001", "08004");

    private DatabaseUnavailable() {
    }

    public static boolean is(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException || t instanceof ClosedConnectionException) {
                return true;
            }
            if (t instanceof PgException pg && pg.getSqlState() != null && STATES.contains(pg.getSqlState())) {
                return true;
            }
        }
        return false;
    }
}
