package dev.triggerfish.execution;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import dev.triggerfish.template.Secrets;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.HashMap;
import java.util.Map;

/**
 * OpenTelemetry spans of the runner: one per execution run, a child per step, whose context a webhook
 * sends as {@code traceparent}. The execution's parent is the span current where the run starts: the
 * intake request's for an event accepted and run by this replica (the fast path), none for one claimed
 * later. Spans are passed along explicitly, never made current on the event loop, which runs many
 * executions at once.
 */
@ApplicationScoped
public class ExecutionTracing {
    private final Tracer tracer;
    private final Secrets secrets;

    public ExecutionTracing(Tracer tracer, Secrets secrets) {
        this.tracer = tracer;
        this.secrets = secrets;
    }

    Span execution(ClaimedExecution execution) {
        return tracer.spanBuilder("execution")
                .setParent(Context.current())
                .setSpanKind(SpanKind.INTERNAL)
                .setAttribute("triggerfish.execution_id", execution.id())
                .setAttribute("triggerfish.trigger_id", execution.triggerId())
                .setAttribute("triggerfish.event_id", execution.eventId())
                .startSpan();
    }

    Span step(Span execution, ActionStep step) {
        return tracer.spanBuilder("step " + step.type())
                .setParent(Context.root().with(execution))
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute("triggerfish.step_index", step.index())
                .setAttribute("triggerfish.action_type", step.type())
                .startSpan();
    }

    /** Ends a span with the outcome: an error when {@code failure} is given, redacted (spans leave for a collector). */
    void end(Span span, String failure) {
        if (failure != null) {
            span.setStatus(StatusCode.ERROR, secrets.redact(failure));
        }
        span.end();
    }

    /** The W3C {@code traceparent} of a span, or null when it has no valid context (tracing disabled). */
    static String traceparent(Span span) {
        if (!span.getSpanContext().isValid()) {
            return null;
        }
        Map<String, String> headers = new HashMap<>();
        W3CTraceContextPropagator.getInstance().inject(Context.root().with(span), headers, Map::put);
        return headers.get("traceparent");
    }
}
