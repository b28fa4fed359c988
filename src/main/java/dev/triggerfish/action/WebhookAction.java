package dev.triggerfish.action;

import dev.triggerfish.support.JsonText;
import dev.triggerfish.template.Escaping;
import dev.triggerfish.template.Secrets;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;


import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * {@code webhook}: an HTTP call with templated URL, headers and body. Any non-2xx answer is a
 * failure; status and latency are recorded; {@code Idempotency-Key} is the execution id and step, the
 * same on every attempt. Internal addresses are refused unless configured (SSRF guard, {@link
 * OutboundGuard}): a name is resolved once and the call connects to the checked address, keeping the
 * name for the Host header and TLS. With a signing secret the call carries Standard Webhooks headers
 * ({@link WebhookSignature}).
 */
@Singleton
public class WebhookAction implements ActionHandler {
    static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");
    private static final Set<String> SENSITIVE_HEADERS = Set.of("authorization", "proxy-authorization", "cookie", "x-api-key",
            WebhookSignature.SIGNATURE);
    private static final Set<String> SIGNATURE_HEADERS = Set.of(WebhookSignature.ID, WebhookSignature.TIMESTAMP, WebhookSignature.SIGNATURE);

    /** Name lookups (blocking; run on a worker). Tests put their own here: they never resolve names through DNS. */
    interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    @Inject
    Vertx vertx;

    @Inject
    WebhookConfig config;

    @Inject
    Secrets secrets;

    @Inject
    TargetGuards guards;

    @Inject
    OutboundMetrics metrics;

    Resolver resolver = InetAddress::getAllByName;

    @Inject
    OutboundHttp outbound;

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
        checkSigningSecret(action);
    }

    /**
     * {@code signing_secret} names a configured secret; its value never appears in a trigger. (A handler
     * made without CDI, for plain-Java checks, knows no secrets and checks only the field's type.)
     */
    private void checkSigningSecret(ConfigCheck action) {
        Object name = action.object().get("signing_secret");
        if (name == null) {
            return;
        }
        if (!(name instanceof String s) || s.isBlank()) {
            action.error("signing_secret", "must be the name of a configured secret");
        } else if (secrets != null && !secrets.has(s)) {
            action.error("signing_secret", "names no configured secret: set triggerfish.secret." + s
                    + " (or TRIGGERFISH_SECRET_" + s.toUpperCase(Locale.ROOT) + ") to whsec_<base64 key>");
        } else if (secrets != null && signingKeyProblem(secrets.values().get(s)) != null) {
            action.error("signing_secret", "the secret '" + s + "' " + signingKeyProblem(secrets.values().get(s)));
        }
    }

    private static String signingKeyProblem(String value) {
        try {
            WebhookSignature.keys(value);
            return null;
        } catch (IllegalArgumentException e) {
            return "is not a signing secret: " + e.getMessage();
        }
    }

    private static void checkUrl(ConfigCheck action, String url) {
        if (url.startsWith("{{")) {
            return;
        }
        try {
            String problem = WebhookTarget.problem(new URI(url.replaceAll("\\{\\{[^}]*}}|\\{[a-z_]+}", "x")));
            if (problem != null) {
                action.error("url", problem);
            }
        } catch (URISyntaxException e) {
            action.error("url", "is not a valid URL: " + e.getReason());
        }
    }

    /** The call's parts as rendered from the action's templates, before anything is checked or sent. */
    private record Rendering(String method, String url, Map<String, String> headers, String payload) {
    }

    private static Rendering rendering(ActionContext ctx) {
        String url = ctx.render(ctx.text("url"), Escaping.URL);
        String method = ctx.action().get("method") instanceof String m ? m.toUpperCase(Locale.ROOT) : "POST";
        Map<String, String> headers = new LinkedHashMap<>();
        if (ctx.action().get("headers") instanceof Map<?, ?> given) {
            given.forEach((name, value) -> headers.put(name.toString(), ctx.render(String.valueOf(value), Escaping.HEADER)));
        }
        headers.put("Idempotency-Key", ctx.idempotencyKey());
        if (ctx.traceparent() != null) {
            headers.put("traceparent", ctx.traceparent());
        }
        Object body = ctx.action().containsKey("body") ? ctx.renderJson(ctx.action().get("body")) : null;
        String payload = body == null ? null : body instanceof String s ? s : JsonText.write(body);
        if (payload != null && headers.keySet().stream().noneMatch(h -> h.equalsIgnoreCase("Content-Type"))) {
            headers.put("Content-Type", body instanceof String ? "text/plain; charset=utf-8" : "application/json");
        }
        return new Rendering(method, url, headers, payload);
    }

    /** The request as it would be sent (sensitive headers and secrets shown as ***), not sent. */
    @Override
    public Map<String, Object> preview(ActionContext ctx) {
        Rendering r = rendering(ctx);
        Map<String, Object> preview = new LinkedHashMap<>();
        preview.put("type", type());
        preview.put("request", requestSummary(r.method(), r.url(), r.headers(), r.payload(), null));
        return preview;
    }

    @Override
    public Uni<StepResult> execute(ActionContext ctx) {
        Rendering rendered = rendering(ctx);
        String url = rendered.url();
        String method = rendered.method();
        Map<String, String> headers = rendered.headers();
        String payload = rendered.payload();
        long timeoutMs = ctx.action().get("timeout_seconds") instanceof Number n ? n.longValue() * 1000 : config.timeout().toMillis();
        WebhookTarget target;
        try {
            target = new WebhookTarget(new URI(url));
        } catch (URISyntaxException e) {
            return refused("the rendered URL is not valid: " + e.getReason(), requestSummary(method, url, headers, payload, null));
        }
        String problem = WebhookTarget.problem(target.uri());
        if (problem != null) {
            return refused("the rendered URL " + problem, requestSummary(method, url, headers, payload, null));
        }
        String signingName;
        try {
            signingName = signingSecretName(ctx, target);
        } catch (IllegalArgumentException e) {
            return refused(e.getMessage(), requestSummary(method, url, headers, payload, null));
        }
        if (signingName != null) {
            headers.keySet().removeIf(h -> SIGNATURE_HEADERS.contains(h.toLowerCase(Locale.ROOT))); // ours, not the action's
        }
        Map<String, Object> request = requestSummary(method, url, headers, payload, signingName);
        String signingProblem = signingName == null ? null : signingProblem(signingName);
        if (signingProblem != null) {
            return refused(signingProblem, request);
        }
        Call call = new Call(method, target, headers, payload, timeoutMs, request,
                signingName == null ? null : secrets.values().get(signingName), ctx.idempotencyKey());
        return resolve(target)
                .flatMap(decision -> decision.refusal() != null
                        ? refused(decision.refusal(), request)
                        : send(call, decision.address()));
    }

    private static Uni<StepResult> refused(String why, Map<String, Object> request) {
        return Uni.createFrom().item(StepResult.failed(why, Map.of("request", request)));
    }

    /** One outbound call as rendered: {@code signing} is the configured secret value (never recorded), or null. */
    private record Call(String method, WebhookTarget target, Map<String, String> headers, String payload, long timeoutMs,
                        Map<String, Object> request, String signing, String webhookId) {
    }

    /** The secret that signs this call: the action's {@code signing_secret}, else the one configured for its host (or host:port). */
    private String signingSecretName(ActionContext ctx, WebhookTarget target) {
        if (ctx.action().get("signing_secret") instanceof String name && !name.isBlank()) {
            return name;
        }
        Map<String, String> byTarget = WebhookConfig.signingByTarget(config.signingSecrets().orElse(List.of()));
        String name = byTarget.get(target.key());
        return name != null ? name : byTarget.get(target.host().toLowerCase(Locale.ROOT));
    }

    private String signingProblem(String name) {
        if (!secrets.has(name)) {
            return "the signing secret '" + name + "' is not configured (triggerfish.secret." + name + ")";
        }
        String problem = signingKeyProblem(secrets.values().get(name));
        return problem == null ? null : "the signing secret '" + name + "' " + problem;
    }

    private Uni<StepResult> send(Call call, InetAddress address) {
        WebhookTarget target = call.target();
        long started = System.nanoTime();
        Uni<HttpResponse<Buffer>> attempt = Uni.createFrom().deferred(() -> {
            HttpRequest<Buffer> http = target.pinned(outbound.client(), HttpMethod.valueOf(call.method()), address).timeout(call.timeoutMs());
            call.headers().forEach(http::putHeader);
            if (call.signing() != null) {
                long now = System.currentTimeMillis() / 1000; // each attempt is signed with its own time
                http.putHeader(WebhookSignature.ID, call.webhookId());
                http.putHeader(WebhookSignature.TIMESTAMP, Long.toString(now));
                http.putHeader(WebhookSignature.SIGNATURE, WebhookSignature.sign(call.signing(), call.webhookId(), now, call.payload()));
            }
            return (call.payload() == null ? http.send() : http.sendBuffer(Buffer.buffer(call.payload())))
                    .onFailure().transform(TransientFault::classified)
                    .invoke(response -> {
                        int status = response.statusCode();
                        if (status >= 500 || status == 408) {
                            throw TransientFault.answered(response); // retried in-process by the guard first
                        }
                    });
        });
        Map<String, Object> request = new LinkedHashMap<>(call.request());
        request.put("address", address.getHostAddress());
        return guards.of(target.key()).get(() -> attempt)
                .map(response -> outcome(response, request, elapsed(started)))
                .onFailure().recoverWithItem(e -> failure(e, request, call.timeoutMs(), elapsed(started)))
                .invoke(result -> metrics.called(target.host(), result.output().get("status")));
    }

    private StepResult failure(Throwable e, Map<String, Object> request, long timeoutMs, long latencyMs) {
        if (e instanceof TransientFault fault && fault.response() != null) {
            return outcome(fault.response(), request, latencyMs);
        }
        Map<String, Object> output = Map.of("request", request, "latency_ms", latencyMs);
        if (e instanceof CircuitBreakerOpenException) {
            String error = "the circuit to " + request.get("url") + " is open after repeated failures";
            return StepResult.failed(new TransientFault(error), error, output);
        }
        if (e instanceof BulkheadException) {
            String error = "too many calls waiting for this target";
            return StepResult.failed(new TransientFault(error), error, output);
        }
        if (e instanceof TransientFault fault) {
            return StepResult.failed(fault, describe(fault.getCause(), timeoutMs), output);
        }
        return StepResult.failed(describe(e, timeoutMs), output); // not the connection's fault: it would fail the same way again
    }

    private static long elapsed(long started) {
        return (System.nanoTime() - started) / 1_000_000;
    }

    private StepResult outcome(HttpResponse<Buffer> response, Map<String, Object> request, long latencyMs) {
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("request", request);
        output.put("status", response.statusCode());
        output.put("latency_ms", latencyMs);
        String text = response.bodyAsString();
        if (text != null && !text.isEmpty()) {
            output.put("response", secrets.redact(outbound.recorded(text)));
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return StepResult.completed(output);
        }
        String error = "HTTP " + status + " from " + request.get("url");
        // the target is down, slow or busy: worth a retry, no sooner than its Retry-After; any other answer would repeat
        return status >= 500 || status == 408 || status == 429
                ? StepResult.failed(TransientFault.answered(response), error, output)
                : StepResult.failed(error, output);
    }

    /**
     * The one address to call: a literal as written, a name resolved once (on a worker: the lookup
     * blocks) and every address it resolves to checked, unless internal addresses are allowed.
     */
    private Uni<OutboundGuard.Decision> resolve(WebhookTarget target) {
        String host = target.host();
        boolean allowInternal = config.allowPrivateNetworks()
                || config.allowedHosts().orElse(List.of()).contains(host.toLowerCase(Locale.ROOT));
        InetAddress literal = OutboundGuard.literal(host);
        if (literal != null) {
            return Uni.createFrom().item(OutboundGuard.choose(host, List.of(literal), allowInternal));
        }
        return vertx.executeBlocking(() -> List.of(resolver.resolve(host)), false)
                .map(addresses -> OutboundGuard.choose(host, addresses, allowInternal))
                .onFailure().recoverWithItem(e -> OutboundGuard.Decision.refused("cannot resolve " + host + ": " + e.getMessage()));
    }

    private Map<String, Object> requestSummary(String method, String url, Map<String, String> headers, String payload, String signingName) {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("method", method);
        summary.put("url", secrets.redact(url));
        Map<String, String> shown = new LinkedHashMap<>();
        headers.forEach((name, value) -> shown.put(name, SENSITIVE_HEADERS.contains(name.toLowerCase(Locale.ROOT)) ? "***" : secrets.redact(value)));
        if (signingName != null) {
            shown.put(WebhookSignature.ID, headers.get("Idempotency-Key"));
            shown.put(WebhookSignature.SIGNATURE, "***");
            summary.put("signed_with", signingName);
        }
        summary.put("headers", shown);
        if (payload != null) {
            summary.put("body", secrets.redact(outbound.recorded(payload)));
        }
        return summary;
    }

    private static String describe(Throwable e, long timeoutMs) {
        if (e == null) {
            return "the call failed";
        }
        if (e instanceof TimeoutException) {
            return "no answer within " + timeoutMs + " ms";
        }
        return "connection failed: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }



}
