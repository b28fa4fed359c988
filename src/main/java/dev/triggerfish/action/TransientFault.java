package dev.triggerfish.action;

import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpResponse;

import java.time.Duration;
import java.util.Optional;

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

    /** The delay the target asked for, if it asked. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** The answer, when there was one. */
    HttpResponse<Buffer> response() {
        return response;
    }
}
