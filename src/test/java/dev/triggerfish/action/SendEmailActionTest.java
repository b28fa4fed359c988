package dev.triggerfish.action;

import io.vertx.ext.mail.SMTPException;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pure parts of send_email: which failures retry, the Message-ID, priorities and addresses. */
class SendEmailActionTest {

    @Test
    void aPermanentSmtpAnswerFailsForGoodAndATransientOneRetries() {
        StepResult refused = SendEmailAction.failed(new SMTPException("550 no such user", 550, List.of("5.1.1 no such user"), true),
                new HashMap<>());
        assertFalse(refused.retryable());
        assertEquals("550 5.1.1 no such user", refused.output().get("smtp_reply"));
        assertTrue(refused.error().contains("refused the message"), refused.error());

        StepResult busy = SendEmailAction.failed(new SMTPException("451 try later", 451, List.of("4.7.1 greylisted"), true), new HashMap<>());
        assertTrue(busy.retryable());
        StepResult down = SendEmailAction.failed(new ConnectException("Connection refused: /127.0.0.1:2525"), new HashMap<>());
        assertTrue(down.retryable());
        assertTrue(down.error().contains("could not be reached"), down.error());
        assertFalse(SendEmailAction.failed(new IllegalStateException("a bug"), new HashMap<>()).retryable(), "a bug is not retried");
    }

    /** A server that accepts the connection and never answers (not even its greeting): the send gives up and retries later. */
    @Test
    void anSmtpServerThatStopsAnsweringFailsTheSendAsTransientAtItsDeadline() throws Exception {
        io.vertx.mutiny.core.Vertx vertx = io.vertx.mutiny.core.Vertx.vertx();
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            io.vertx.mutiny.ext.mail.MailClient mail = io.vertx.mutiny.ext.mail.MailClient.create(vertx,
                    new io.vertx.ext.mail.MailConfig().setHostname("127.0.0.1").setPort(silent.getLocalPort()));
            io.vertx.ext.mail.MailMessage message = new io.vertx.ext.mail.MailMessage().setFrom("a@crm.example.com")
                    .setTo("b@crm.example.com").setSubject("hello").setText("hello");
            Throwable failure = SendEmailAction.sendWithin(mail, message, java.time.Duration.ofMillis(300))
                    .onItem().transform(result -> (Throwable) null).onFailure().recoverWithItem(e -> e)
                    .await().atMost(java.time.Duration.ofSeconds(10));
            assertTrue(failure instanceof java.util.concurrent.TimeoutException, String.valueOf(failure));
            StepResult step = SendEmailAction.failed(failure, new HashMap<>());
            assertTrue(step.retryable(), "a server that went silent may answer later");
            assertTrue(step.error().contains("could not be reached"), step.error());
        } finally {
            vertx.closeAndAwait();
        }
    }

    @Test
    void theMessageIdIsTheSameForEveryAttemptOfAStep() {
        assertEquals("<triggerfish.42.1@crm.example.com>", SendEmailAction.messageId(42, 1, "crm.example.com"));
        assertEquals(SendEmailAction.messageId(42, 1, "crm.example.com"), SendEmailAction.messageId(42, 1, "crm.example.com"));
        assertEquals("crm.example.com", EmailAddress.domainOf("Triggerfish <triggers@crm.example.com>"));
        assertEquals("crm.example.com", EmailAddress.domainOf("triggers@crm.example.com"));
        assertNull(EmailAddress.domainOf("not an address"));
    }

    @Test
    void prioritiesBecomeTheHeadersMailClientsRead() {
        assertEquals(Map.of("X-Priority", "1 (Highest)", "Importance", "high"), SendEmailAction.priority("urgent"));
        assertEquals(Map.of("X-Priority", "1 (Highest)", "Importance", "high"), SendEmailAction.priority("high"));
        assertEquals(Map.of("X-Priority", "3 (Normal)", "Importance", "normal"), SendEmailAction.priority("medium"));
        assertEquals(Map.of("X-Priority", "5 (Lowest)", "Importance", "low"), SendEmailAction.priority("low"));
        assertEquals(Map.of(), SendEmailAction.priority(null));
    }

    @Test
    void onlyPlainAddressesAreSentTo() {
        for (String good : List.of("ada@example.com", "first.last+tag@mail.example.co.uk", "o'brien@example.ie")) {
            assertTrue(EmailAddress.isValid(good), good);
        }
        for (String bad : List.of("ada@example.com\r\nBcc: everyone@example.com", "Ada <ada@example.com>", "ada@localhost", "ada",
                "@example.com", "ada@@example.com", "ada@-example.com", "ada@example..com", ".ada@example.com", "a b@example.com",
                "x".repeat(250) + "@example.com")) {
            assertFalse(EmailAddress.isValid(bad), bad);
        }
    }
}
