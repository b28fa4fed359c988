package dev.triggerfish.execution;

import dev.triggerfish.action.ActionContext;
import dev.triggerfish.action.StepResult;
import dev.triggerfish.crm.ChangeOrigin;
import dev.triggerfish.execution.Checkpoints.Started;
import dev.triggerfish.execution.Faults.StepFailed;
import dev.triggerfish.support.ReplicaId;
import dev.triggerfish.template.TemplateRenderer;
import io.opentelemetry.api.trace.Span;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Runs one step and checkpoints it. An action that changes records runs in the transaction that
 * writes its checkpoint, so a completed step is never repeated; any other action runs first and its
 * checkpoint joins the next group commit ({@link StepJournal}).
 */
@ApplicationScoped
public class StepRun {
    private final ExecutionStore executions;
    private final StepJournal journal;
    private final TemplateRenderer templates;
    private final Pool pool;
    private final RunnerConfig config;
    private final ExecutionTracing tracing;
    private final String owner;

    public StepRun(ExecutionStore executions, StepJournal journal, TemplateRenderer templates, Pool pool, RunnerConfig config,
                   ExecutionTracing tracing, ReplicaId replica) {
        this.tracing = tracing;
        this.executions = executions;
        this.journal = journal;
        this.templates = templates;
        this.pool = pool;
        this.config = config;
        this.owner = replica.id();
    }

    /** Runs {@code step} with what its templates see; completes with its result once it is checkpointed. */
    Uni<StepResult> run(ActionStep step, Map<String, Object> scope, Span execution) {
        Span span = tracing.step(execution, step);
        return runStep(step, step.context(scope, templates).tracedBy(ExecutionTracing.traceparent(span)))
                .onItemOrFailure().invoke((result, failure) -> tracing.end(span, failure != null ? failure.toString()
                        : result.status() == StepResult.StepStatus.FAILED ? result.error() : null));
    }

    private Uni<StepResult> runStep(ActionStep step, ActionContext context) {
        Started started = Started.now();
        if (step.handler() == null) {
            return write(step, context, StepResult.failed("unknown action type '" + step.type() + "'", Map.of()), started);
        }
        if (step.needsRecord() && context.entityId() == null) {
            // e.g. an inbound webhook whose source found no record and runs without one: retrying cannot help
            return write(step, context, StepResult.failed("'" + step.type() + "' acts on a record, and this execution concerns none"
                    + " (its event named no record)", Map.of()), started);
        }
        UnaryOperator<StepResult> debugged = debugged(step, context);
        if (step.changesRecords()) {
            return inCheckpointTransaction(step, context, started, debugged)
                    .onFailure(e -> !(e instanceof LostClaim))
                    .recoverWithUni(e -> write(step, context, debugged.apply(Faults.failedStep(e)), started));
        }
        // a handler may also throw before it returns a Uni (a template that does not render): a failed step all the same
        return Uni.createFrom().deferred(() -> step.handler().execute(context))
                .onFailure().recoverWithItem(Faults::failedStep)
                .flatMap(result -> write(step, context, debugged.apply(result), started));
    }

    /**
     * debug_mode: the step's output also holds its action as rendered for this run ({@code rendered},
     * redacted where the store writes it); for any other trigger the result stays as it is.
     */
    private static UnaryOperator<StepResult> debugged(ActionStep step, ActionContext context) {
        if (!step.trigger().debugMode()) {
            return UnaryOperator.identity();
        }
        Object rendered;
        try {
            rendered = step.handler().preview(context);
        } catch (RuntimeException e) {
            rendered = Map.of("error", String.valueOf(e.getMessage())); // the step itself fails the same way, with its reason
        }
        Object shown = rendered;
        return result -> result.with("rendered", shown);
    }

    /** Records {@code step} failed with {@code failure} before its action could run (its scope could not be built). */
    Uni<StepResult> failBeforeRun(ActionStep step, Throwable failure) {
        return write(step, step.context(Map.of(), templates), Faults.failedStep(failure), Started.now());
    }

    /** The change, its event and the checkpoint commit together; a failed step rolls its changes back. */
    private Uni<StepResult> inCheckpointTransaction(ActionStep step, ActionContext context, Started started,
                                                    UnaryOperator<StepResult> debugged) {
        return pool.withTransaction(tx -> markOrigin(tx, context.origin())
                .flatMap(marked -> step.handler().execute(context.inTransaction(tx)))
                .flatMap(result -> result.status() == StepResult.StepStatus.FAILED
                        ? Uni.createFrom().<StepResult>failure(new StepFailed(result))
                        : checkpoint(tx, step, Checkpoints.of(step, context, debugged.apply(result), started))));
    }

    private Uni<StepResult> checkpoint(SqlClient tx, ActionStep step, StepRecord record) {
        long id = record.execution().id();
        DebugTrace.step(record, step.trigger());
        return executions.record(tx, owner, List.of(record), config.lease())
                .map(held -> heldOrLost(held, id, record.result()));
    }

    private static StepResult heldOrLost(Set<Long> held, long id, StepResult result) {
        if (!held.contains(id)) {
            throw new LostClaim(id);
        }
        return result;
    }

    private Uni<StepResult> write(ActionStep step, ActionContext context, StepResult result, Started started) {
        StepRecord record = Checkpoints.of(step, context, result, started);
        DebugTrace.step(record, step.trigger());
        return journal.write(record).replaceWith(record.result());
    }

    /**
     * Tells the capture function ({@code triggerfish_capture}, V6) the chain depth and trigger of the
     * changes this transaction makes, so a change an action makes to a captured table is an event one
     * level deeper, cut by the chain limit like any other.
     */
    private static Uni<Void> markOrigin(SqlClient tx, ChangeOrigin origin) {
        return tx.preparedQuery("select set_config('triggerfish.chain_depth', $1, true), set_config('triggerfish.origin_trigger_id', $2, true)")
                .execute(Tuple.of(String.valueOf(origin.chainDepth()), origin.originTriggerId() == null ? "" : origin.originTriggerId().toString()))
                .replaceWithVoid();
    }
}
