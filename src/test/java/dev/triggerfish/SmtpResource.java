package dev.triggerfish;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The SMTP server of the test suite: GreenMail, a real SMTP server on a free loopback port in the
 * tests' own JVM. {@link #server()} reads what it received.
 */
public class SmtpResource implements QuarkusTestResourceLifecycleManager {
    private static volatile GreenMail server;

    /** The running server, to read the messages it received. */
    public static GreenMail server() {
        return server;
    }

    /** The messages the SMTP server received for {@code address}. */
    public static List<MimeMessage> receivedBy(String address) {
        return Arrays.stream(server().getReceivedMessages()).filter(m -> {
            try {
                return Arrays.stream(m.getRecipients(Message.RecipientType.TO)).anyMatch(a -> a.toString().equals(address));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }).toList();
    }

    /** The part of {@code message} of the given MIME type, as text. */
    public static String part(MimeMessage message, String type) throws Exception {
        Object content = message.getContent();
        if (content instanceof String text) {
            return message.isMimeType(type) ? text : null;
        }
        Multipart parts = (Multipart) content;
        for (int i = 0; i < parts.getCount(); i++) {
            BodyPart part = parts.getBodyPart(i);
            if (part.isMimeType(type)) {
                return part.getContent().toString();
            }
        }
        return null;
    }

    @Override
    public Map<String, String> start() {
        server = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        server.start();
        return Map.of(
                "quarkus.mailer.host", "127.0.0.1",
                "quarkus.mailer.port", Integer.toString(server.getSmtp().getPort()),
                "quarkus.mailer.from", "Triggerfish <triggers@crm.example.com>",
                "quarkus.mailer.mock", "false");
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
