package dev.triggerfish.action;

import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpResponse;

/** A failure worth trying again soon: a 5xx or 408 answer, a timeout, a refused or broken connection. */
public final class TransientFault extends RuntimeException {
    private final transient HttpResponse<Buffer> response;

    TransientFault(HttpResponse<Buffer> response) {
        super("HTTP " + response.statusCode(), null, false, false);
        this.response = response;
    }

    TransientFault(Throwable cause) {
        super(cause.getMessage(), cause, false, false);
        this.response = null;
    }

    /** The answer, when there was one. */
    HttpResponse<Buffer> response() {
        return response;
    }
}
