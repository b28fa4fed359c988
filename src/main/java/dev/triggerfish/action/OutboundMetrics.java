package dev.triggerfish.action;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Outbound HTTP calls (webhooks, the SMS gateway) by target host and status class ({@code 2xx} …
 * {@code 5xx}, or {@code error} when no answer came: refused, timed out, circuit open). The host, not
 * the URL: paths and query strings carry ids and would make a series per record.
 */
@ApplicationScoped
public class OutboundMetrics {
    private final MeterRegistry meters;
    /** The counters already registered, by host and status class: found again without building their ids on every call. */
    private final Map<List<String>, Counter> counters = new ConcurrentHashMap<>();

    public OutboundMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    /** One call to {@code host}; {@code status} is the answer's HTTP status, or null when there was none. */
    public void called(String host, Object status) {
        String tagged = host == null ? "unknown" : host.toLowerCase(Locale.ROOT);
        String statusClass = statusClass(status);
        counters.computeIfAbsent(List.of(tagged, statusClass), key -> Counter.builder("triggerfish.outbound.calls")
                        .description("outbound HTTP calls by target host and status class")
                        .tag("host", tagged).tag("status_class", statusClass)
                        .register(meters))
                .increment();
    }

    /** The host of a URL, for {@link #called}; null when it has none. */
    static String hostOf(String url) {
        try {
            return URI.create(url).getHost();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static String statusClass(Object status) {
        return status instanceof Number n && n.intValue() >= 100 && n.intValue() < 600 ? (n.intValue() / 100) + "xx" : "error";
    }
}
