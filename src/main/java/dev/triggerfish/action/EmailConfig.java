package dev.triggerfish.action;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** How email goes out (the SMTP server itself is the Quarkus mailer's: {@code quarkus.mailer.*}). */
@ConfigMapping(prefix = "triggerfish.email")
public interface EmailConfig {

    /**
     * How long one message may take, from connecting to the server's last answer. The mail client has no
     * overall deadline of its own: without this, a server that stops answering mid-exchange would hold the
     * step (its claim kept alive by the heartbeat) for ever.
     */
    @WithDefault("30s")
    Duration timeout();
}
