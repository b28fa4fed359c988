package dev.triggerfish.action;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/**
 * The HTTP SMS gateway of {@code send_sms}. The default shape is Twilio's: a form POST of
 * {@code To}, {@code From} and {@code Body} with basic authentication, answered with the message's
 * {@code sid}; another gateway is a change of these settings.
 */
@ConfigMapping(prefix = "triggerfish.sms")
public interface SmsConfig {

    /** Where messages are posted, e.g. {@code https://api.twilio.com/2010-04-01/Accounts/AC…/Messages.json}. */
    Optional<String> gatewayUrl();

    /** The sender number (E.164) or sender id, sent in {@link #fromField()}. */
    Optional<String> from();

    /** The secret holding the basic-auth user (Twilio's account SID), a {@code triggerfish.secret.<name>}. */
    @WithDefault("sms_account")
    String userSecret();

    /** The secret holding the basic-auth password (Twilio's auth token). */
    @WithDefault("sms_token")
    String passwordSecret();

    /** {@code form} (application/x-www-form-urlencoded) or {@code json}. */
    @WithDefault("form")
    String format();

    @WithDefault("To")
    String toField();

    @WithDefault("From")
    String fromField();

    @WithDefault("Body")
    String bodyField();

    /** The field of the gateway's JSON answer that names the message, recorded in the step. */
    @WithDefault("sid")
    String messageIdField();

    @WithDefault("10s")
    Duration timeout();
}
