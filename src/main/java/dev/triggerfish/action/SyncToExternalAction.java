package dev.triggerfish.action;

import dev.triggerfish.crm.RecordStore;
import dev.triggerfish.support.JsonText;
import dev.triggerfish.template.Escaping;
import dev.triggerfish.template.Secrets;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * {@code sync_to_external}: writes the action's {@code mapping}, rendered for the record, to a configured
 * integration ({@link IntegrationConfig}). A record not synced there yet is created (or upserted by the
 * integration's {@code upsert-key}); the id the target answers is stored on the record
 * ({@code external_ids.<integration>}) and the next sync changes that object instead of creating another.
 * The URL is the operator's configuration, not a trigger's, so it is not held to the webhook SSRF guard;
 * the calls go through the same per-target fault tolerance and fault classification as webhooks.
 */
@Singleton
public class SyncToExternalAction implements ActionHandler {

    /** How the record is written on the target. */
    enum Operation { CREATE, UPSERT, UPDATE }

    // injected into fields, so that BuiltInActions can make one to validate configurations in plain Java
    @Inject
    IntegrationConfig config;
    @Inject
    Secrets secrets;
    @Inject
    RecordStore records;
    @Inject
    TargetGuards guards;

    @Inject
    OutboundHttp outbound;

    @Override
    public String type() {
        return "sync_to_external";
    }

    @Override
    public boolean seesSecrets() {
        return false; // the mapped fields are stored in another system and read by its users
    }

    @Override
    public boolean needsRecord() {
        return true; // without one, each run would create another object in the other system: none to store its id on
    }

    @Override
    public void validate(ConfigCheck action) {
        action.requireText("integration");
        if (!action.has("mapping")) {
            action.error("mapping", "is required: the target's fields and their templates, e.g. {\"Email\": \"{{entity.email}}\"}");
        }
        action.optionalStringMap("mapping");
        if (action.object().get("mapping") instanceof Map<?, ?> mapping && mapping.isEmpty()) {
            action.error("mapping", "must name at least one field");
        }
    }

    /** One write as it will be sent: {@code url} is absolute. */
    record Write(Operation operation, String method, String url, Map<String, Object> body) {
    }

    /**
     * The write that syncs {@code fields} to {@code integration}: a change of the object it already has
     * ({@code externalId}), else an upsert by the upsert key's value when the mapping gives one, else a create.
     */
    static Write plan(IntegrationConfig.Integration integration, Map<String, Object> fields, String externalId) {
        String collection = stripSlash(integration.baseUrl()) + "/" + stripSlash(integration.objectPath().replaceAll("^/+", ""));
        Map<String, Object> body = new LinkedHashMap<>(fields);
        Operation operation;
        String url;
        String method;
        String upsertKey = integration.upsertKey().orElse(null);
        Object upsertValue = upsertKey == null ? null : fields.get(upsertKey);
        if (externalId != null) {
            operation = Operation.UPDATE;
            method = integration.updateMethod().toUpperCase(Locale.ROOT);
            url = collection + "/" + segment(externalId);
        } else if (upsertValue != null && !upsertValue.toString().isBlank()) {
            operation = Operation.UPSERT;
            method = "PATCH";
            url = collection + "/" + segment(upsertKey) + "/" + segment(upsertValue.toString());
            body.remove(upsertKey); // named by the URL (Salesforce refuses it in the body too)
        } else {
            operation = Operation.CREATE;
            method = "POST";
            url = collection;
        }
        Map<String, Object> sent = integration.envelope().<Map<String, Object>>map(key -> Map.of(key, body)).orElse(body);
        return new Write(operation, method, url, sent);
    }

    /** A value as one path segment: an id or an email cannot add segments or a query. */
    private static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String stripSlash(String text) {
        return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    }

    @Override
    public Uni<StepResult> execute(ActionContext ctx) {
        String name = ctx.text("integration");
        IntegrationConfig.Integration integration = config.byName().get(name);
        if (integration == null) {
            return Uni.createFrom().item(StepResult.failed("no integration named '" + name + "' is configured (triggerfish.integrations."
                    + name + ".base-url and .object-path)", Map.of("integration", name)));
        }
        String credential = null;
        if (integration.authSecret().isPresent()) {
            credential = secrets.values().get(integration.authSecret().get());
            if (credential == null) {
                return Uni.createFrom().item(StepResult.failed("the integration '" + name + "' names the secret '" + integration.authSecret().get()
                        + "', which is not configured (triggerfish.secret." + integration.authSecret().get() + ")", Map.of("integration", name)));
            }
        }
        if (!(ctx.action().get("mapping") instanceof Map<?, ?> mapping)) {
            return Uni.createFrom().item(StepResult.failed("the action has no mapping: nothing to sync", Map.of("integration", name)));
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        mapping.forEach((field, template) -> fields.put(field.toString(), ctx.render(String.valueOf(template), Escaping.PLAIN)));
        String authorization = credential == null ? null : integration.authScheme() + " " + credential;
        return records.externalId(ctx.entityType(), ctx.entityId(), name)
                .flatMap(known -> send(ctx, name, integration, plan(integration, fields, known), authorization, known));
    }

    private Uni<StepResult> send(ActionContext ctx, String name, IntegrationConfig.Integration integration, Write write, String authorization,
                                 String known) {
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("integration", name);
        output.put("operation", write.operation().name().toLowerCase(Locale.ROOT));
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("method", write.method());
        request.put("url", write.url());
        request.put("body", write.body());
        output.put("request", request);
        WebhookTarget target = new WebhookTarget(URI.create(write.url()));
        String payload = JsonText.write(write.body());
        long started = System.nanoTime();
        Uni<HttpResponse<Buffer>> attempt = Uni.createFrom().deferred(() -> {
            HttpRequest<Buffer> http = outbound.client().requestAbs(HttpMethod.valueOf(write.method()), write.url())
                    .timeout(integration.timeout().toMillis())
                    .putHeader("Content-Type", "application/json")
                    .putHeader("Accept", "application/json")
                    // the same on every attempt: a target that honours it makes a repeated create a no-op
                    .putHeader("Idempotency-Key", ctx.idempotencyKey());
            if (authorization != null) {
                http.putHeader("Authorization", authorization);
            }
            return http.sendBuffer(Buffer.buffer(payload))
                    .onFailure().transform(TransientFault::classified)
                    .invoke(response -> {
                        if (response.statusCode() >= 500 || response.statusCode() == 408) {
                            throw TransientFault.answered(response); // retried in-process by the guard first
                        }
                    });
        });
        return guards.of(target.key()).get(() -> attempt)
                .map(response -> answered(name, integration, response, output, known))
                .onFailure().recoverWithItem(e -> failed(e, output, integration.timeout().toMillis()))
                .invoke(() -> output.put("latency_ms", (System.nanoTime() - started) / 1_000_000))
                .flatMap(result -> store(ctx, name, result, known));
    }

    /** Stores the id a write answered, when it is new; the store's own failure (the database going away) fails the step as such. */
    private Uni<StepResult> store(ActionContext ctx, String name, StepResult result, String known) {
        Object given = result.output().get("external_id");
        if (result.status() != StepResult.StepStatus.COMPLETED || given == null || given.equals(known)) {
            return Uni.createFrom().item(result);
        }
        return records.linkExternal(ctx.entityType(), ctx.entityId(), name, given.toString())
                .map(linked -> linked ? result : result.with("note", "the record was deleted meanwhile: its external id is not stored"));
    }

    /** A 2xx answer wrote the record, with the id it answered (or the known one). A 5xx, 408 or 429 answer may go through later; others would not. */
    private StepResult answered(String name, IntegrationConfig.Integration integration, HttpResponse<Buffer> response, Map<String, Object> output,
                                String known) {
        int status = response.statusCode();
        output.put("status", status);
        String body = response.bodyAsString();
        if (status < 200 || status >= 300) {
            if (body != null && !body.isEmpty()) {
                output.put("response", secrets.redact(outbound.recorded(body)));
            }
            String error = "HTTP " + status + " from the integration '" + name + "'";
            return status >= 500 || status == 408 || status == 429
                    ? StepResult.failed(TransientFault.answered(response), error, output)
                    : StepResult.failed(error, output);
        }
        String given = idIn(body, integration.idField());
        String externalId = given != null ? given : known;
        if (externalId == null) {
            output.put("response", secrets.redact(outbound.recorded(body)));
            return StepResult.completed(output); // an upsert answered without an id: the next sync upserts again
        }
        output.put("external_id", externalId);
        return StepResult.completed(output);
    }

    /** The id in a JSON answer, or null when the answer is empty, not JSON, or has none. */
    static String idIn(String body, String field) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            Object id = new JsonObject(body).getValue(field);
            return id == null || id.toString().isBlank() ? null : id.toString();
        } catch (RuntimeException notAnObject) {
            return null;
        }
    }

    private StepResult failed(Throwable e, Map<String, Object> output, long timeoutMs) {
        if (e instanceof CircuitBreakerOpenException) {
            String error = "the circuit to " + ((Map<?, ?>) output.get("request")).get("url") + " is open after repeated failures";
            return StepResult.failed(new TransientFault(error), error, output);
        }
        if (e instanceof BulkheadException) {
            String error = "too many calls waiting for this target";
            return StepResult.failed(new TransientFault(error), error, output);
        }
        if (e instanceof TransientFault fault && fault.response() != null) {
            output.put("status", fault.response().statusCode());
            String body = fault.response().bodyAsString();
            if (body != null && !body.isEmpty()) {
                output.put("response", secrets.redact(outbound.recorded(body)));
            }
            return StepResult.failed(fault, "HTTP " + fault.response().statusCode() + " from the integration '" + output.get("integration") + "'",
                    output);
        }
        Throwable cause = e instanceof TransientFault ? e.getCause() : e;
        String error = cause instanceof TimeoutException ? "no answer within " + timeoutMs + " ms"
                : "the integration could not be reached: " + secrets.redact(String.valueOf(cause == null ? e.getMessage() : cause.getMessage()));
        return e instanceof TransientFault fault ? StepResult.failed(fault, error, output) : StepResult.failed(error, output);
    }



}
