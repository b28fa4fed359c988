package dev.triggerfish.inbound;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

/** The counters of inbound webhooks, per source (a bounded set: sources are created by API, unknown names are not counted). */
@ApplicationScoped
public class WebhookCounters {
    private final MeterRegistry meters;

    public WebhookCounters(MeterRegistry meters) {
        this.meters = meters;
    }

    void refused(String source, InboundRefused.Reason reason) {
        Counter.builder("triggerfish.webhooks.refused").tag("source", source).tag("reason", reason.tag())
                .description("inbound webhooks refused: missing headers, stale timestamp, bad signature or shared secret, reused id")
                .register(meters).increment();
    }

    /** @param outcome accepted (a new event) or duplicate (a resend of a stored webhook-id) */
    void received(String source, String outcome) {
        Counter.builder("triggerfish.webhooks.received").tag("source", source).tag("outcome", outcome)
                .description("inbound webhooks received: accepted (a new event) or duplicate (a resend of a stored webhook-id)")
                .register(meters).increment();
    }
}
