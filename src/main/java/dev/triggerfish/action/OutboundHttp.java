package dev.triggerfish.action;

import io.vertx.core.tracing.TracingPolicy;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * The one HTTP client of the actions that call out (webhook, the SMS gateway, integrations): one
 * connection pool per target host for all of them ({@code triggerfish.webhook.max-connections-per-host}),
 * no redirects followed, and no client span (it would carry the URL, which may hold a secret; a webhook
 * sets its step's {@code traceparent} itself). Also the one cut of bodies kept in step records.
 *
 * <p>The Vert.x WebClient, not a REST client interface: URL, method and headers are rendered per step, a
 * webhook connects to the address its SSRF guard checked ({@link WebhookTarget#pinned}), and a signature
 * covers the exact bytes sent.
 */
@Singleton
public class OutboundHttp {
    @Inject
    Vertx vertx;

    @Inject
    WebhookConfig config;

    private volatile WebClient client;

    WebClient client() {
        WebClient c = client;
        if (c == null) {
            synchronized (this) {
                if (client == null) {
                    client = WebClient.create(vertx, new WebClientOptions()
                            .setUserAgent("Triggerfish")
                            .setMaxPoolSize(config.maxConnectionsPerHost())
                            .setKeepAlive(true)
                            .setFollowRedirects(false)
                            .setTracingPolicy(TracingPolicy.IGNORE));
                }
                c = client;
            }
        }
        return c;
    }

    /** {@code text} as a step record keeps it: at most {@code triggerfish.webhook.recorded-body-limit} characters. */
    String recorded(String text) {
        int limit = config.recordedBodyLimit();
        return text == null || text.length() <= limit ? text : text.substring(0, limit) + "…";
    }

    @PreDestroy
    void close() {
        if (client != null) {
            client.close();
        }
    }
}
