package dev.triggerfish;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

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
