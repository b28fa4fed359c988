package dev.triggerfish.execution;

import dev.triggerfish.action.ActionHandler;
import dev.triggerfish.action.ActionRegistry;
import dev.triggerfish.action.StepResult;
import dev.triggerfish.event.StoredEvent;
import dev.triggerfish.support.LogIds;
import dev.triggerfish.support.ReplicaId;
import dev.triggerfish.trigger.TriggerCatalog;
import dev.triggerfish.trigger.TriggerSnapshot;
import io.opentelemetry.api.trace.Span;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Map;

/**
 * Runs one claimed execution's steps in order, from the step it resumes at, one at a time; each step
 * is checkpointed before the next starts, so a resumed execution never repeats a completed step.
 */
@ApplicationScoped
public class ExecutionRun {
    private static final Logger LOG = Logger.getLogger(ExecutionRun.class);

    private final ExecutionStore executions;
    private final TriggerCatalog catalog;
    private final ActionRegistry actions;
    private final TemplateScope scopes;
    private final StepRun steps;
    private final ClaimHeartbeat heartbeat;
    private final DebugTrace debug;
    private final ExecutionTracing tracing;
    private final String owner;

    public ExecutionRun(ExecutionStore executions, TriggerCatalog catalog, ActionRegistry actions, TemplateScope scopes, StepRun steps,
                        ClaimHeartbeat heartbeat, DebugTrace debug, ExecutionTracing tracing, ReplicaId replica) {
        this.debug = debug;
        this.tracing = tracing;
        this.executions = executions;
        this.catalog = catalog;
        this.actions = actions;
        this.scopes = scopes;
        this.steps = steps;
        this.heartbeat = heartbeat;
        this.owner = replica.id();
    }

    /**
     * Runs an execution. Whatever goes wrong that is not the database going away (or the claim lost)
     * ends it {@code failed} with the reason, rather than leaving it running to be claimed again every
     * lease: such a failure would only repeat.
     */
    Uni<Void> run(ClaimedExecution execution) {
        Span span = tracing.execution(execution);
        return Uni.createFrom().deferred(() -> start(execution, span))
                .onFailure(e -> !(e instanceof LostClaim) && !Faults.isTransient(e))
                .recoverWithUni(e -> fail(execution, e))
                .onTermination().invoke((ignored, failure, cancelled) -> tracing.end(span, failure == null ? null : failure.toString()));
    }

    private Uni<Void> start(ClaimedExecution execution, Span span) {
        if (execution.flow() != null) {
            // a workflow's child or a cadence step runs the chain it was created with, whatever became of its trigger since
            TriggerSnapshot flow = execution.flow().snapshot(execution.triggerId(), execution.triggerVersion());
            int index = execution.currentStep();
            return resumedFallback(execution, flow, index).flatMap(fallback -> runFrom(execution, flow, index, fallback, !execution.fresh(), span));
        }
        TriggerSnapshot trigger = catalog.get(execution.triggerId());
        if (trigger == null) {
            return end(execution, ExecutionStatus.CANCELLED, "the trigger was deleted");
        }
        StoredEvent event = execution.event();
        if (!trigger.active() && (event == null || !"manual".equals(event.source()))) {
            return end(execution, ExecutionStatus.CANCELLED, "the trigger was deactivated");
        }
        int index = execution.currentStep();
        boolean readStore = readsStore(execution, event, trigger, index);
        return debug.started(execution, trigger)
                .flatMap(ignored -> resumedFallback(execution, trigger, index))
                .flatMap(fallback -> runFrom(execution, trigger, index, fallback, readStore, span));
    }

    /**
     * Whether step {@code index}'s templates see the record as stored rather than as the event carried it.
     * A change event's state is the record's while fresh (decided by the database, never by this JVM's
     * clock, see ExecutionStore#claim); a delayed, retried or resumed run reads the store. An inbound
     * webhook's state is its payload, which the store never holds: every attempt sees it, until an earlier
     * action of the chain changed the record.
     */
    private boolean readsStore(ClaimedExecution execution, StoredEvent event, TriggerSnapshot trigger, int index) {
        if (event != null && "webhook".equals(event.source())) {
            return trigger.actions().subList(0, Math.min(index, trigger.actions().size())).stream()
                    .map(this::handlerOf).anyMatch(h -> h != null && h.changesRecords());
        }
        return !execution.fresh();
    }

    /** At a step with fallbacks, the one to resume at (0: the action itself), as its checkpoints say. */
    private Uni<Integer> resumedFallback(ClaimedExecution execution, TriggerSnapshot trigger, int index) {
        if (index >= trigger.actions().size() || !(trigger.actions().get(index).get("fallback") instanceof List<?> fallbacks)) {
            return Uni.createFrom().item(0);
        }
        return executions.fallbackProgress(execution.id(), index)
                .map(run -> FallbackProgress.resumeAt(run.replaced(), run.statuses(), fallbacks.size()));
    }

    /** Runs step {@code index} (from its fallback {@code fallback}, when not 0) and the ones after it. */
    private Uni<Void> runFrom(ClaimedExecution execution, TriggerSnapshot trigger, int index, int fallback, boolean readStore, Span span) {
        if (index >= trigger.actions().size()) {
            return end(execution, ExecutionStatus.COMPLETED, null);
        }
        ActionStep main = new ActionStep(execution, trigger, index, handlerOf(trigger.actions().get(index)));
        ActionStep step = fallback == 0 ? main : main.fallbackStep(fallback, handlerOf(main.fallbacks().get(fallback - 1)));
        if (index > execution.currentStep()) {
            heartbeat.extended(execution.id(), System.nanoTime()); // the checkpoint of the step before extended the claim
        }
        return Uni.createFrom().deferred(() -> scopes.of(execution, trigger, index, readStore))
                .onItemOrFailure().transformToUni((scope, failure) -> failure == null ? steps.run(step, scope, span) : unscoped(step, failure))
                // after an action that changed the record, later ones see the record as it is now
                .flatMap(result -> switch (Checkpoints.after(step, result)) {
                    case FALLBACK -> runFrom(execution, trigger, index, step.fallback() + 1, readStore || step.changesRecords(), span);
                    case NEXT -> runFrom(execution, trigger, index + 1, 0, readStore || step.changesRecords(), span);
                    case RETRY, FAIL, PAUSE, COMPLETE -> Uni.createFrom().voidItem();
                });
    }

    private ActionHandler handlerOf(Map<String, Object> action) {
        return actions.find(String.valueOf(action.get("type")));
    }

    /** What the templates would see could not be built: the step fails with the reason, unless the database went away. */
    private Uni<StepResult> unscoped(ActionStep step, Throwable failure) {
        return failure instanceof LostClaim || Faults.isTransient(failure)
                ? Uni.createFrom().failure(failure)
                : steps.failBeforeRun(step, failure);
    }

    private Uni<Void> fail(ClaimedExecution execution, Throwable e) {
        LogIds.with(execution.id(), execution.triggerId(), execution.eventId(),
                () -> LOG.warnf("execution %d failed: %s", execution.id(), Faults.reason(e)));
        return end(execution, ExecutionStatus.FAILED, "failed: " + Faults.reason(e));
    }

    private Uni<Void> end(ClaimedExecution execution, ExecutionStatus status, String error) {
        return executions.finish(owner, execution.id(), status, error).replaceWithVoid();
    }
}
