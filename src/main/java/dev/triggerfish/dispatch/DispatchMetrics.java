package dev.triggerfish.dispatch;

import dev.triggerfish.event.StoredEvent;
import dev.triggerfish.execution.ExecutionMetrics;
import dev.triggerfish.execution.ExecutionStatus;
import dev.triggerfish.execution.NewExecution;
import dev.triggerfish.trigger.CompiledTrigger;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/**
 * The dispatcher's meters, counted once the dispatch committed: events received by source and kind,
 * executions cut by the chain limit, executions held back by a rate limit. A custom event kind
 * ({@code lead.scored}) is counted as {@code custom}: kinds are the sender's words, unbounded.
 */
@ApplicationScoped
public class DispatchMetrics {
    private final MeterRegistry meters;
    private final ExecutionMetrics executions;

    public DispatchMetrics(MeterRegistry meters, ExecutionMetrics executions) {
        this.meters = meters;
        this.executions = executions;
    }

    /** A dispatch committed: its events, and the executions it created. */
    public void dispatched(List<StoredEvent> events, List<NewExecution> created) {
        for (StoredEvent e : events) {
            Counter.builder("triggerfish.events.received").description("events matched against the triggers, by source and kind")
                    .tag("source", e.source() == null ? "unknown" : e.source()).tag("kind", kindTag(e.kind()))
                    .register(meters).increment();
        }
        for (NewExecution e : created) {
            if (e.status() == ExecutionStatus.SKIPPED) {
                Counter.builder("triggerfish.chain.cut").description("executions not run: their event's chain was deeper than triggerfish.dispatch.max-chain-depth")
                        .register(meters).increment();
            } else if (e.status() == ExecutionStatus.RATE_LIMITED || e.rateLimitedWindow() != null) {
                Counter.builder("triggerfish.rate.limited").description("executions over their trigger's rate limit: rejected (kept as rate_limited) or deferred")
                        .tag("outcome", e.status() == ExecutionStatus.RATE_LIMITED ? "rejected" : "deferred")
                        .register(meters).increment();
            }
            executions.ended(e.triggerId(), e.status());
        }
    }

    static String kindTag(String kind) {
        return CompiledTrigger.CREATED.equals(kind) || CompiledTrigger.UPDATED.equals(kind) || CompiledTrigger.DELETED.equals(kind)
                ? kind : "custom";
    }
}
