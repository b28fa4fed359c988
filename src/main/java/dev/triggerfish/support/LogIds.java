package dev.triggerfish.support;

import org.jboss.logging.MDC;

/**
 * The ids a log line is about, in the MDC for that one line ({@code execution_id}, {@code trigger_id},
 * {@code event_id}): JSON logs carry them as fields. Set and cleared around the call on the calling
 * thread, never left behind: an event loop runs many executions at once, and an MDC value kept across
 * an asynchronous step would be read by another execution's lines.
 */
public final class LogIds {
    public static final String EXECUTION = "execution_id";
    public static final String TRIGGER = "trigger_id";
    public static final String EVENT = "event_id";

    private LogIds() {
    }

    /** Runs {@code log} with the ids given (null: not set) in the MDC. */
    public static void with(Long executionId, Long triggerId, Long eventId, Runnable log) {
        put(EXECUTION, executionId);
        put(TRIGGER, triggerId);
        put(EVENT, eventId);
        try {
            log.run();
        } finally {
            MDC.remove(EXECUTION);
            MDC.remove(TRIGGER);
            MDC.remove(EVENT);
        }
    }

    private static void put(String key, Long id) {
        if (id != null) {
            MDC.put(key, id.toString());
        }
    }
}
