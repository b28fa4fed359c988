package dev.triggerfish.execution;

import dev.triggerfish.condition.Explanation;
import dev.triggerfish.condition.RelationResolver;
import dev.triggerfish.crm.RecordRelations;
import dev.triggerfish.event.StoredEvent;
import dev.triggerfish.support.LogIds;
import dev.triggerfish.support.ReplicaId;
import dev.triggerfish.trigger.CompiledTrigger;
import dev.triggerfish.trigger.TriggerSnapshot;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The spec's debug mode ("detailed execution logs including condition evaluation and action
 * results"): for a trigger with {@code debug_mode: true}, the condition trace of the execution's event
 * is kept on the execution when it first runs, and each step is logged with the execution id (its
 * rendered action is kept on the step by {@link StepRun}). Nothing of this runs for other triggers.
 */
@ApplicationScoped
public class DebugTrace {
    private static final Logger LOG = Logger.getLogger(DebugTrace.class);

    private final RecordRelations relations;
    private final ExecutionStore executions;
    private final String owner;

    public DebugTrace(RecordRelations relations, ExecutionStore executions, ReplicaId replica) {
        this.relations = relations;
        this.executions = executions;
        this.owner = replica.id();
    }

    /** Keeps the trace of a debug trigger's execution at its first step; a trace that cannot be written is logged, not fatal. */
    Uni<Void> started(ClaimedExecution execution, TriggerSnapshot trigger) {
        if (!trigger.debugMode() || execution.currentStep() != 0) {
            return Uni.createFrom().voidItem();
        }
        return trace(execution, trigger)
                .invoke(trace -> LogIds.with(execution.id(), trigger.id(), execution.eventId(), () -> LOG.infof(
                        "execution %d (trigger %d, event %d): conditions %s", execution.id(), trigger.id(), execution.eventId(),
                        trace.get("conditions_hold"))))
                .flatMap(trace -> executions.debug(owner, execution.id(), trace))
                .onFailure(e -> !(e instanceof LostClaim) && !Faults.isTransient(e))
                .recoverWithItem(e -> {
                    LOG.warnf("execution %d: debug trace not kept: %s", execution.id(), e.getMessage());
                    return null;
                })
                .replaceWithVoid();
    }

    /** Logs one step of a debug trigger's execution (the log filter redacts secrets). */
    static void step(StepRecord record, TriggerSnapshot trigger) {
        if (trigger.debugMode()) {
            LogIds.with(record.execution().id(), trigger.id(), record.execution().eventId(), () -> LOG.infof(
                    "execution %d (trigger %d) step %d (%s): %s in %d ms%s", record.execution().id(), trigger.id(), record.step(),
                    record.actionType(), record.result().status().name().toLowerCase(java.util.Locale.ROOT), record.durationMs(),
                    record.result().error() == null ? "" : ": " + record.result().error()));
        }
    }

    private Uni<Map<String, Object>> trace(ClaimedExecution execution, TriggerSnapshot trigger) {
        StoredEvent event = execution.event();
        Map<String, Object> trace = new LinkedHashMap<>();
        trace.put("event_id", execution.eventId());
        trace.put("trigger_version", trigger.version());
        if (event == null || "manual".equals(event.source())) {
            trace.put("conditions_hold", null);
            trace.put("note", event == null ? "the event is no longer stored" : "a manual run: conditions are not evaluated");
            return Uni.createFrom().item(trace);
        }
        CompiledTrigger compiled = trigger.compiled();
        List<Map<String, Object>> states = new ArrayList<>();
        states.add(event.newState());
        states.add(event.oldState());
        Uni<RelationResolver> resolver = compiled.condition().relations().isEmpty() ? Uni.createFrom().item(RelationResolver.NONE)
                : relations.prefetch(states, compiled.condition().relations());
        return resolver.map(r -> {
            boolean deleted = CompiledTrigger.DELETED.equals(event.kind());
            Explanation explained = compiled.condition().explain(CompiledTrigger.subject(event.kind(), event.newState(), event.oldState()),
                    deleted ? null : event.oldState(), r, System.currentTimeMillis());
            trace.put("conditions_hold", explained.matched());
            trace.put("conditions", explained.leaves());
            return trace;
        });
    }
}
