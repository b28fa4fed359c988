package dev.triggerfish.action;

import io.vertx.core.http.HttpClosedException;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpResponse;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * A failure worth trying again soon: a 5xx, 408 or 429 answer, a timeout, a refused or broken
 * connection, the database going away. The runner retries a step only for this type (within the
 * trigger's {@code max_retries}), no sooner than {@link #retryAfter} when the target said so.
 */
public final class TransientFault extends RuntimeException {
    private final transient HttpResponse<Buffer> response;
    private final Duration retryAfter;

    private TransientFault(String message, Throwable cause, HttpResponse<Buffer> response, Duration retryAfter) {
        super(message, cause, false, false);
        this.response = response;
        this.retryAfter = retryAfter;
    }

    /** A fault whose cause says it all (a refused connection, a timeout, a database that went away). */
    public TransientFault(Throwable cause) {
        this(cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage(), cause, null, null);
    }

    /** A fault described in words, for a target that is busy or down (an open circuit). */
    public TransientFault(String message) {
        this(message, null, null, null);
    }

    /** A target that asked to be tried again no sooner than {@code retryAfter}. */
    public TransientFault(String message, Duration retryAfter) {
        this(message, null, null, retryAfter);
    }

    /** An answer that asks to be tried again later, with its {@code Retry-After} when it has one. */
    static TransientFault answered(HttpResponse<Buffer> response) {
        return new TransientFault("HTTP " + response.statusCode(), null, response, RetryAfter.parse(response.getHeader("Retry-After")));
    }

    /**
     * {@code e} as a transient fault when it, or a cause of it, is a failure of the connection rather
     * than of the request: refused or unreachable, no answer in time, closed or reset before the answer,
     * a TLS handshake that failed; else {@code e} itself (a request the client refuses to send, an answer
     * it cannot read: it would fail the same way again).
     */
    static Throwable classified(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (isConnectionFailure(t)) {
                return new TransientFault(e);
            }
        }
        return e;
    }

    /** Whether {@code t} itself (not its causes) is a failure of the connection. */
    static boolean isConnectionFailure(Throwable t) {
        return t instanceof ConnectException || t instanceof TimeoutException || t instanceof HttpClosedException
                || t instanceof SSLException || t instanceof IOException;
    }

    /** The delay the target asked for, if it asked. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** The answer, when there was one. */
    HttpResponse<Buffer> response() {
        return response;
    }
}
