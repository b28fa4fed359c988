package dev.triggerfish.action;

import dev.triggerfish.crm.ChangeOrigin;
import dev.triggerfish.template.Escaping;
import dev.triggerfish.template.Rendered;
import dev.triggerfish.template.TemplateRenderer;
import io.vertx.mutiny.sqlclient.SqlClient;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Everything one action step may use: its configuration, the execution it belongs to, the record it
 * acts on, the template scope, and (for actions that change records) the transaction that also
 * checkpoints the step, so the change and the checkpoint commit together.
 */
public final class ActionContext {
    private final Map<String, Object> action;
    private final long executionId;
    private final int stepIndex;
    private final long triggerId;
    private final String entityType;
    private final String entityId;
    private final ChangeOrigin origin;
    private final Map<String, Object> scope;
    private final TemplateRenderer templates;
    private final Set<String> missing = new LinkedHashSet<>();
    private final boolean secretsVisible;
    private SqlClient tx;
    private int fallback;
    private String traceparent;

    public ActionContext(Map<String, Object> action, long executionId, int stepIndex, long triggerId, String entityType,
                         String entityId, ChangeOrigin origin, Map<String, Object> scope, TemplateRenderer templates) {
        this(action, executionId, stepIndex, triggerId, entityType, entityId, origin, scope, templates, true);
    }

    /**
     * @param secretsVisible whether this action's templates see the secrets: only actions that call out
     *                       do; an action that changes records never writes a secret into one
     */
    public ActionContext(Map<String, Object> action, long executionId, int stepIndex, long triggerId, String entityType,
                         String entityId, ChangeOrigin origin, Map<String, Object> scope, TemplateRenderer templates,
                         boolean secretsVisible) {
        this.secretsVisible = secretsVisible;
        this.action = action;
        this.executionId = executionId;
        this.stepIndex = stepIndex;
        this.triggerId = triggerId;
        this.entityType = entityType;
        this.entityId = entityId;
        this.origin = origin;
        this.scope = scope;
        this.templates = templates;
    }

    public Map<String, Object> action() {
        return action;
    }

    public String text(String key) {
        Object v = action.get(key);
        return v == null ? null : v.toString();
    }

    public long executionId() {
        return executionId;
    }

    public int stepIndex() {
        return stepIndex;
    }

    /** 0 for the trigger's action at {@link #stepIndex}, n for the n-th action of its {@code fallback}. */
    public int fallback() {
        return fallback;
    }

    /** The step as ids and keys name it: {@code 3}, or {@code 3.f1} for the first fallback of step 3. */
    public String stepLabel() {
        return fallback == 0 ? Integer.toString(stepIndex) : stepIndex + ".f" + fallback;
    }

    /** Sent as {@code Idempotency-Key} on outbound HTTP: the same for every attempt of this step, another for each fallback. */
    public String idempotencyKey() {
        return executionId + "-" + stepLabel();
    }

    public long triggerId() {
        return triggerId;
    }

    public String entityType() {
        return entityType;
    }

    public String entityId() {
        return entityId;
    }

    /** The origin to stamp on record changes: chain depth one more than the event's. */
    public ChangeOrigin origin() {
        return origin;
    }

    public Map<String, Object> scope() {
        return scope;
    }

    public TemplateRenderer templates() {
        return templates;
    }

    /** Renders a template of this action; names without a value are remembered for the step's result. */
    public String render(String template, Escaping escaping) {
        if (template == null) {
            return null;
        }
        Rendered r = templates.render(template, scope, escaping, secretsVisible);
        missing.addAll(r.missing());
        return r.text();
    }

    /** Renders the string leaves of a JSON value. */
    public Object renderJson(Object value) {
        return templates.renderJson(value, scope, missing, secretsVisible);
    }

    public Set<String> missing() {
        return missing;
    }

    public SqlClient tx() {
        return tx;
    }

    /** This context as the one of fallback action {@code n} of its step (0: the action itself). */
    public ActionContext asFallback(int n) {
        this.fallback = n;
        return this;
    }

    /** The W3C trace context of this step, sent on outbound HTTP as {@code traceparent}; null when not traced. */
    public String traceparent() {
        return traceparent;
    }

    public ActionContext tracedBy(String traceContext) {
        this.traceparent = traceContext;
        return this;
    }

    public ActionContext inTransaction(SqlClient transaction) {
        this.tx = transaction;
        return this;
    }
}
