package dev.triggerfish.action;

import io.vertx.core.VertxException;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.impl.NoStackTraceTimeoutException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Which failures of a webhook call are transient, decided by their type (plain Java). */
class WebhookFaultsTest {

    @Test
    void aFailureOfTheConnectionIsTransient() {
        List<Throwable> connection = List.of(
                new ConnectException("Connection refused"),
                new NoStackTraceTimeoutException("The timeout period of 1000ms has been exceeded"),
                new HttpClosedException("Connection was closed"),
                new VertxException(new SSLHandshakeException("certificate unknown")),
                new IOException("Connection reset by peer"));
        for (Throwable e : connection) {
            TransientFault fault = assertInstanceOf(TransientFault.class, TransientFault.classified(e), e.toString());
            assertSame(e, fault.getCause());
            assertFalse(fault.retryAfter().isPresent());
        }
    }

    @Test
    void aFailureOfTheRequestItselfIsNot() {
        for (Throwable e : List.<Throwable>of(new IllegalArgumentException("invalid header value"), new NullPointerException(),
                new VertxException("Invalid HTTP response"))) {
            assertSame(e, TransientFault.classified(e), e.toString());
        }
    }
}
