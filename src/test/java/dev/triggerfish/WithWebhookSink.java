package dev.triggerfish;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static dev.triggerfish.Api.api;

/**
 * For tests whose triggers call a real HTTP server: one {@link WebhookSink} per test class, and the
 * triggers a test lists in {@link #triggers} deleted after it.
 */
public abstract class WithWebhookSink {
    protected static WebhookSink sink;

    /** Triggers created by the running test, deleted after it. */
    protected final List<Integer> triggers = new ArrayList<>();

    @BeforeAll
    static void startSink() {
        sink = new WebhookSink();
    }

    @AfterAll
    static void stopSink() {
        sink.close();
    }

    @AfterEach
    void deleteTriggers() {
        triggers.forEach(id -> api().delete("/api/event-triggers/" + id));
        triggers.clear();
    }

    /** A short unique name part, so tests share no record types, ids or paths. */
    protected static String uid() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    }
}
