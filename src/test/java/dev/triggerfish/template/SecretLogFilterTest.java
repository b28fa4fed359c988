package dev.triggerfish.template;

import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SecretLogFilterTest {
    final SecretLogFilter filter = new SecretLogFilter(new Secrets(Map.of("api_token", "sup3r-secret-value")));

    @Test
    void aSecretInTheMessageOrItsParametersIsRedacted() {
        ExtLogRecord record = new ExtLogRecord(Level.WARNING, "calling %s with %s", ExtLogRecord.FormatStyle.PRINTF, "test");
        record.setParameters(new Object[] {"https://sup3r-secret-value.example.com", "Bearer sup3r-secret-value"});
        assertTrue(filter.isLoggable(record));
        assertFalse(record.getFormattedMessage().contains("sup3r-secret-value"), record.getFormattedMessage());
        assertTrue(record.getFormattedMessage().contains("calling https://***.example.com with Bearer ***"), record.getFormattedMessage());
    }

    @Test
    void aSecretInAnExceptionsMessageOrCauseIsRedactedWithItsTrace() {
        ExtLogRecord record = new ExtLogRecord(Level.SEVERE, "unexpected failure", ExtLogRecord.FormatStyle.NO_FORMAT, "test");
        record.setThrown(new IllegalStateException("outer", new RuntimeException("connection failed: sup3r-secret-value.invalid")));
        filter.isLoggable(record);
        assertNull(record.getThrown(), "the exception is replaced by its redacted trace");
        assertTrue(record.getFormattedMessage().contains("Caused by: java.lang.RuntimeException: connection failed: ***.invalid"),
                record.getFormattedMessage());
        assertFalse(record.getFormattedMessage().contains("sup3r-secret-value"));
    }

    @Test
    void aRecordWithoutSecretsIsLeftAsItIs() {
        ExtLogRecord record = new ExtLogRecord(Level.INFO, "hello %s", ExtLogRecord.FormatStyle.PRINTF, "test");
        record.setParameters(new Object[] {"world"});
        IllegalStateException thrown = new IllegalStateException("plain");
        record.setThrown(thrown);
        filter.isLoggable(record);
        assertTrue(record.getThrown() == thrown);
        assertTrue(record.getParameters().length == 1);
    }
}
