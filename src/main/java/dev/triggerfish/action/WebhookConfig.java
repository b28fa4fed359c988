package dev.triggerfish.action;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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

    /**
     * Secrets that sign the calls to a target, as {@code host=secret_name} or {@code host:port=secret_name}
     * entries (the name of a {@code triggerfish.secret.<name>}); an action's {@code signing_secret} wins.
     */
    Optional<List<String>> signingSecrets();

    /** The secret name per target ({@code host} or {@code host:port}, lower case) of {@link #signingSecrets()} entries. */
    static Map<String, String> signingByTarget(List<String> entries) {
        Map<String, String> byTarget = new LinkedHashMap<>();
        for (String entry : entries) {
            int eq = entry.indexOf('=');
            if (eq <= 0 || eq == entry.length() - 1) {
                throw new IllegalArgumentException("triggerfish.webhook.signing-secrets has an entry that is not host=secret_name: '" + entry + "'");
            }
            byTarget.put(entry.substring(0, eq).trim().toLowerCase(Locale.ROOT), entry.substring(eq + 1).trim());
        }
        return byTarget;
    }

    /** Fault tolerance per target (host and port). */
    Guard guard();

    interface Guard {
        /** Quick in-process retries of a transient fault before the step fails (and is retried durably). */
        @WithDefault("2")
        int retries();

        /** First delay between in-process retries (doubling, with jitter). */
        @WithDefault("200ms")
        Duration retryDelay();

        /** Calls the circuit breaker looks at before it may open. */
        @WithDefault("20")
        int breakerRequests();

        /** Share of transient failures among them that opens it. */
        @WithDefault("0.5")
        double breakerFailureRatio();

        /** How long an open circuit refuses calls before trying one again. */
        @WithDefault("30s")
        Duration breakerDelay();

        /** Calls in flight to one target. */
        @WithDefault("64")
        int maxConcurrentPerTarget();

        /** Calls waiting for one target beyond those in flight. */
        @WithDefault("10000")
        int queuePerTarget();
    }
}
