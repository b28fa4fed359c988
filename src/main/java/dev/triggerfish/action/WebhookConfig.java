package dev.triggerfish.action;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Outbound webhook settings. */
@ConfigMapping(prefix = "triggerfish.webhook")
public interface WebhookConfig {

    /** Time allowed for one call when the action gives no {@code timeout_seconds}. */
    @WithDefault("10s")
    Duration timeout();

    /** Allow calls to loopback, private, link-local and other internal addresses (off: SSRF guard). */
    @WithDefault("false")
    boolean allowPrivateNetworks();

    /** Hosts allowed even when they resolve to internal addresses. */
    Optional<List<String>> allowedHosts();

    /** Connections kept per target host. */
    @WithDefault("50")
    int maxConnectionsPerHost();

    /** At most this many characters of a response body are kept in the step result. */
    @WithDefault("2000")
    int recordedBodyLimit();
}
