package dev.triggerfish.api;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatabaseUnavailableTest {

    @Test
    void aServerGoingAwayOrNotThereIsUnavailabilityWhereverItIsWrapped() {
        assertTrue(DatabaseUnavailable.is(new ConnectException("Connection refused: localhost/127.0.0.1:5432")));
        assertTrue(DatabaseUnavailable.is(new CompletionException(ClosedConnectionException.INSTANCE)));
        assertTrue(DatabaseUnavailable.is(new PgException("the database system is shutting down", "FATAL", "57P03", null)));
        assertTrue(DatabaseUnavailable.is(new RuntimeException(new PgException("terminating connection due to administrator command",
                "FATAL", "57P01", null))));
    }

    @Test
    void faultsOfTheRequestOrTheCodeAreNot() {
        assertFalse(DatabaseUnavailable.is(new PgException("duplicate key value violates unique constraint", "ERROR", "23505", null)));
        assertFalse(DatabaseUnavailable.is(new IllegalStateException("bug")));
    }

    @Test
    void theRequestIsAnswered503WithRetryAfterAndAProblemBody() {
        Response response = new ProblemMapper().unexpected(
                new CompletionException(new PgException("the database system is starting up", "FATAL", "57P03", null)), null);
        assertEquals(503, response.getStatus());
        assertEquals(String.valueOf(DatabaseUnavailable.RETRY_AFTER_SECONDS), response.getHeaderString("Retry-After"));
        assertEquals(ProblemBody.MEDIA_TYPE, response.getMediaType().toString());
        assertEquals("Database unavailable", ((ProblemBody) response.getEntity()).title());
    }
}
