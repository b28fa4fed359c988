package dev.triggerfish.alert;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/**
 * Notifications for teams without Prometheus (k8s/base/prometheusrule.yaml is the same watch for those
 * with it): when a trigger's failure rate or the backlog's age crosses its threshold, a message goes to a
 * webhook and/or an email address, once when the episode starts and once when it ends.
 */
@ConfigMapping(prefix = "triggerfish.alerts")
public interface AlertConfig {

    /** Where to POST the notification (JSON); with neither this nor {@link #email} nothing is watched. */
    Optional<String> webhookUrl();

    /** Whom to email the notification (through the mailer of {@code send_email}). */
    Optional<String> email();

    /**
     * How often each replica measures. Its default (1m) is in application.properties: the watch's
     * {@code @Scheduled} reads the key.
     */
    Duration interval();

    /** The window a trigger's failure rate is measured over: executions created within it that completed or failed. */
    @WithDefault("15m")
    Duration window();

    /** Share of failed executions, past which a trigger is failing (the spec's error-prone triggers: over 10%). */
    @WithDefault("0.1")
    double failureRate();

    /** Executions that ran to an end a trigger needs in the window before its rate counts (the spec: more than 10). */
    @WithDefault("11")
    int minExecutions();

    /** Age of the oldest waiting event or due execution past which the backlog is late. */
    @WithDefault("5m")
    Duration backlogAge();

    default boolean enabled() {
        return webhookUrl().isPresent() || email().isPresent();
    }
}
