package dev.triggerfish.action;

import dev.triggerfish.event.JsonText;
import dev.triggerfish.template.Escaping;
import dev.triggerfish.template.Secrets;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code webhook}: an HTTP call with templated URL, headers and body. Any non-2xx answer is a
 * failure; status and latency are recorded; {@code Idempotency-Key} is the execution id and step, the
 * same on every attempt. Internal addresses are refused unless configured (SSRF guard).
 */
@Singleton
public class WebhookAction implements ActionHandler {
    static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");
    private static final Set<String> SENSITIVE_HEADERS = Set.of("authorization", "proxy-authorization", "cookie", "x-api-key");

    @Inject
    Vertx vertx;

    @Inject
    WebhookConfig config;

    @Inject
    Secrets secrets;

    @Inject
    TargetGuards guards;

    private volatile WebClient client;

    @Override
    public String type() {
        return "webhook";
    }

    @Override
    public void validate(ConfigCheck action) {
        action.requireText("url");
        if (action.object().get("url") instanceof String url && !url.isBlank()) {
            checkUrl(action, url);
        }
        Object method = action.object().get("method");
        if (method != null && !(method instanceof String m && METHODS.contains(m.toUpperCase(Locale.ROOT)))) {
            action.error("method", "must be one of: GET, POST, PUT, PATCH, DELETE (was '" + method + "')");
        }
        action.optionalStringMap("headers");
        action.optionalInt("timeout_seconds", 1, 300);
    }

    private static void checkUrl(ConfigCheck action, String url) {
        if (url.startsWith("{{")) {
            return;
        }
        try {
            URI uri = new URI(url.replaceAll("\\{\\{[^}]*}}|\\{[a-z_]+}", "x"));
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                action.error("url", "must be an absolute http or https URL");
            } else if (uri.getHost() == null) {
                action.error("url", "has no host");
            }
        } catch (URISyntaxException e) {
            action.error("url", "is not a valid URL: " + e.getReason());
        }
    }

    @Override
    public Uni<StepResult> execute(ActionContext ctx) {
        String url = ctx.render(ctx.text("url"), Escaping.URL);
        String method = ctx.action().get("method") instanceof String m ? m.toUpperCase(Locale.ROOT) : "POST";
        Map<String, String> headers = new LinkedHashMap<>();
        if (ctx.action().get("headers") instanceof Map<?, ?> given) {
            given.forEach((name, value) -> headers.put(name.toString(), ctx.render(String.valueOf(value), Escaping.HEADER)));
        }
        headers.put("Idempotency-Key", ctx.idempotencyKey());
        Object body = ctx.action().containsKey("body") ? ctx.renderJson(ctx.action().get("body")) : null;
        String payload = body == null ? null : body instanceof String s ? s : JsonText.write(body);
        if (payload != null && headers.keySet().stream().noneMatch(h -> h.equalsIgnoreCase("Content-Type"))) {
            headers.put("Content-Type", body instanceof String ? "text/plain; charset=utf-8" : "application/json");
        }
        long timeoutMs = ctx.action().get("timeout_seconds") instanceof Number n ? n.longValue() * 1000 : config.timeout().toMillis();
        Map<String, Object> request = requestSummary(method, url, headers, payload);
        URI target;
        try {
            target = new URI(url);
        } catch (URISyntaxException e) {
            return Uni.createFrom().item(StepResult.failed("the rendered URL is not valid: " + e.getReason(), Map.of("request", request)));
        }
        return guard(target)
                .flatMap(refusal -> refusal != null
                        ? Uni.createFrom().item(StepResult.failed(refusal, Map.of("request", request)))
                        : send(method, url, headers, payload, timeoutMs, request, target));
    }

    private Uni<StepResult> send(String method, String url, Map<String, String> headers, String payload, long timeoutMs,
                                 Map<String, Object> request, URI target) {
        long started = System.nanoTime();
        Uni<HttpResponse<Buffer>> call = Uni.createFrom().deferred(() -> {
            HttpRequest<Buffer> http = client().requestAbs(HttpMethod.valueOf(method), url).timeout(timeoutMs);
            headers.forEach(http::putHeader);
            return (payload == null ? http.send() : http.sendBuffer(Buffer.buffer(payload)))
                    .onFailure().transform(TransientFault::new)
                    .invoke(response -> {
                        int status = response.statusCode();
                        if (status >= 500 || status == 408) {
                            throw new TransientFault(response);
                        }
                    });
        });
        return guards.of(hostAndPort(target)).get(() -> call)
                .map(response -> outcome(response, request, elapsed(started)))
                .onFailure().recoverWithItem(e -> failure(e, request, timeoutMs, elapsed(started)));
    }

    private StepResult failure(Throwable e, Map<String, Object> request, long timeoutMs, long latencyMs) {
        if (e instanceof TransientFault fault && fault.response() != null) {
            return outcome(fault.response(), request, latencyMs);
        }
        String name = e.getClass().getSimpleName();
        String error = name.contains("CircuitBreakerOpen") ? "the circuit to " + request.get("url") + " is open after repeated failures"
                : name.contains("Bulkhead") ? "too many calls waiting for this target"
                : describe(e instanceof TransientFault ? e.getCause() : e, timeoutMs);
        return StepResult.failed(error, Map.of("request", request, "latency_ms", latencyMs, "retryable", true));
    }

    private static long elapsed(long started) {
        return (System.nanoTime() - started) / 1_000_000;
    }

    private static String hostAndPort(URI target) {
        int port = target.getPort() >= 0 ? target.getPort() : "https".equalsIgnoreCase(target.getScheme()) ? 443 : 80;
        return target.getHost().toLowerCase(Locale.ROOT) + ":" + port;
    }

    private StepResult outcome(HttpResponse<Buffer> response, Map<String, Object> request, long latencyMs) {
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("request", request);
        output.put("status", response.statusCode());
        output.put("latency_ms", latencyMs);
        String text = response.bodyAsString();
        if (text != null && !text.isEmpty()) {
            output.put("response", secrets.redact(truncate(text, config.recordedBodyLimit())));
        }
        String retryAfter = response.getHeader("Retry-After");
        if (retryAfter != null) {
            output.put("retry_after", retryAfter);
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return StepResult.completed(output);
        }
        output.put("retryable", status >= 500 || status == 408 || status == 429);
        return StepResult.failed("HTTP " + status + " from " + request.get("url"), output);
    }

    /** Null when the target may be called, else why not. Name resolution blocks, so it runs on a worker. */
    private Uni<String> guard(URI target) {
        String host = target.getHost();
        if (host == null) {
            return Uni.createFrom().item("the URL has no host");
        }
        if (config.allowPrivateNetworks() || config.allowedHosts().orElse(List.of()).contains(host.toLowerCase(Locale.ROOT))) {
            return Uni.createFrom().nullItem();
        }
        return vertx.executeBlocking(() -> {
            for (InetAddress address : InetAddress.getAllByName(host)) {
                if (OutboundGuard.isInternal(address)) {
                    return "refused: " + host + " resolves to the internal address " + address.getHostAddress()
                            + " (allow it with triggerfish.webhook.allowed-hosts or triggerfish.webhook.allow-private-networks)";
                }
            }
            return (String) null;
        }, false).onFailure().recoverWithItem(e -> "cannot resolve " + host + ": " + e.getMessage());
    }

    private Map<String, Object> requestSummary(String method, String url, Map<String, String> headers, String payload) {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("method", method);
        summary.put("url", secrets.redact(url));
        Map<String, String> shown = new LinkedHashMap<>();
        headers.forEach((name, value) -> shown.put(name, SENSITIVE_HEADERS.contains(name.toLowerCase(Locale.ROOT)) ? "***" : secrets.redact(value)));
        summary.put("headers", shown);
        if (payload != null) {
            summary.put("body", secrets.redact(truncate(payload, config.recordedBodyLimit())));
        }
        return summary;
    }

    private static String describe(Throwable e, long timeoutMs) {
        if (e == null) {
            return "the call failed";
        }
        String name = e.getClass().getSimpleName();
        if (name.contains("Timeout")) {
            return "no answer within " + timeoutMs + " ms";
        }
        return "connection failed: " + (e.getMessage() == null ? name : e.getMessage());
    }

    private static String truncate(String text, int limit) {
        return text.length() <= limit ? text : text.substring(0, limit) + "…";
    }

    private WebClient client() {
        WebClient c = client;
        if (c == null) {
            synchronized (this) {
                if (client == null) {
                    client = WebClient.create(vertx, new WebClientOptions()
                            .setUserAgent("Triggerfish")
                            .setMaxPoolSize(config.maxConnectionsPerHost())
                            .setKeepAlive(true)
                            .setFollowRedirects(false));
                }
                c = client;
            }
        }
        return c;
    }

    @PreDestroy
    void close() {
        if (client != null) {
            client.close();
        }
    }
}
