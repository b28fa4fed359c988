package dev.triggerfish.template;

import io.quarkus.logging.LoggingFilter;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logmanager.ExtLogRecord;

import java.util.logging.Filter;
import java.util.logging.LogRecord;

/**
 * No secret in any log line, whoever writes it (our code, a library, an exception's message or
 * stack trace): every record passes through {@link Secrets#redact} before a handler writes it. Set on
 * the console and file handlers ({@code quarkus.log.*.filter=triggerfish-secrets}).
 */
@LoggingFilter(name = "triggerfish-secrets")
public final class SecretLogFilter implements Filter {
    private volatile Secrets secrets;

    public SecretLogFilter() {
    }

    /** For tests: a filter that knows these secrets. */
    SecretLogFilter(Secrets secrets) {
        this.secrets = secrets;
    }

    @Override
    public boolean isLoggable(LogRecord record) {
        Secrets known = secrets();
        if (known.values().isEmpty()) {
            return true;
        }
        String message = record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage();
        String redacted = known.redact(message);
        Throwable thrown = record.getThrown();
        if (thrown != null) {
            String trace = stackTrace(thrown);
            String redactedTrace = known.redact(trace);
            if (!redactedTrace.equals(trace)) {
                // the exception itself cannot be changed: its redacted trace becomes part of the message
                record.setThrown(null);
                redacted = (redacted == null ? "" : redacted) + System.lineSeparator() + redactedTrace;
            }
        }
        if (redacted != null && !redacted.equals(message) || thrown != null && record.getThrown() == null) {
            if (record instanceof ExtLogRecord ext) {
                ext.setMessage(redacted, ExtLogRecord.FormatStyle.NO_FORMAT);
            } else {
                record.setMessage(redacted);
            }
            record.setParameters(null);
        }
        return true;
    }

    private Secrets secrets() {
        Secrets s = secrets;
        if (s == null) {
            s = new Secrets(ConfigProvider.getConfig());
            secrets = s;
        }
        return s;
    }

    /** The exception and its causes as a stack trace reads (message, then frames), for the redacted message. */
    private static String stackTrace(Throwable thrown) {
        StringBuilder out = new StringBuilder();
        java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Throwable t = thrown; t != null && seen.add(t); t = t.getCause()) {
            out.append(t == thrown ? "" : "Caused by: ").append(t).append(System.lineSeparator());
            for (StackTraceElement frame : t.getStackTrace()) {
                out.append("\tat ").append(frame).append(System.lineSeparator());
            }
        }
        return out.toString();
    }
}
