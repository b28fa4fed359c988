package dev.triggerfish.workflow;

import dev.triggerfish.action.ActionContext;
import dev.triggerfish.action.StepResult;
import dev.triggerfish.action.WorkflowStarter;
import dev.triggerfish.crm.CrmRecord;
import dev.triggerfish.crm.RecordStore;
import dev.triggerfish.dispatch.DispatchConfig;
import dev.triggerfish.event.EventStore;
import dev.triggerfish.event.NewEvent;
import dev.triggerfish.execution.ChildExecution;
import dev.triggerfish.execution.ExecutionStore;
import dev.triggerfish.execution.Flow;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts a workflow as the child execution of a {@code trigger_workflow} step, in the step's
 * transaction: an event that says what started it (source {@code workflow}, the parent's event kind,
 * the step's context, one level deeper in the chain, stored already dispatched: no trigger matches
 * it), and a pending execution that runs the workflow's chain as it is now.
 */
@ApplicationScoped
public class WorkflowLaunch implements WorkflowStarter {
    static final String SOURCE = "workflow";

    private final Workflows workflows;
    private final EventStore events;
    private final RecordStore records;
    private final ExecutionStore executions;
    private final DispatchConfig chain;

    public WorkflowLaunch(Workflows workflows, EventStore events, RecordStore records, ExecutionStore executions,
                          DispatchConfig chain) {
        this.workflows = workflows;
        this.events = events;
        this.records = records;
        this.executions = executions;
        this.chain = chain;
    }

    @Override
    public Uni<StepResult> start(ActionContext step, long workflowId, Map<String, Object> context) {
        SqlClient tx = step.tx();
        return executions.childOf(tx, step.executionId(), step.stepIndex())
                .flatMap(child -> child != null
                        ? Uni.createFrom().item(started(workflowId, child, null, context, false))
                        : startNew(tx, step, workflowId, context));
    }

    private Uni<StepResult> startNew(SqlClient tx, ActionContext step, long workflowId, Map<String, Object> context) {
        int depth = step.origin().chainDepth();
        if (depth > chain.maxChainDepth()) {
            // as the dispatcher cuts a chain of record changes: a workflow that starts itself ends here
            return Uni.createFrom().item(StepResult.skipped("chain depth " + depth + " exceeds triggerfish.dispatch.max-chain-depth="
                    + chain.maxChainDepth() + ": workflow " + workflowId + " is not started"));
        }
        return workflows.find(tx, workflowId).flatMap(workflow -> workflow == null
                // the spec's examples name workflows that may not exist yet: the rest of the chain still runs
                ? Uni.createFrom().item(StepResult.skipped("workflow " + workflowId + " does not exist"))
                : record(tx, step)
                        .flatMap(record -> events.appendAll(tx, List.of(new NewEvent(parentKind(step), step.entityType(), step.entityId(),
                                null, record == null ? null : record.toJson(), null, context, SOURCE, depth, step.triggerId(), null)), true))
                        .flatMap(appended -> executions.insertChild(tx, new ChildExecution(step.triggerId(), null, appended.get(0).id(),
                                        step.entityType(), step.entityId(), flow(workflow), workflowId, step.executionId(), step.stepIndex(),
                                        null, null))
                                .map(child -> started(workflowId, child, appended.get(0).id(), context, true))));
    }

    private Uni<CrmRecord> record(SqlClient tx, ActionContext step) {
        return step.entityId() == null ? Uni.createFrom().nullItem() : records.find(tx, step.entityType(), step.entityId(), false);
    }

    /** The child's templates name the event that started the chain ({@code {{trigger_event}}}) as the parent's do. */
    private static String parentKind(ActionContext step) {
        return step.scope().get("event") instanceof Map<?, ?> event && event.get("kind") != null ? event.get("kind").toString() : SOURCE;
    }

    @SuppressWarnings("unchecked")
    static Flow flow(Definition workflow) {
        Map<String, Object> d = workflow.definition();
        Object actions = d.get("actions");
        Object retry = d.get("retry_configuration");
        return new Flow("workflow " + workflow.id() + " (" + workflow.name() + ")",
                actions instanceof List<?> l ? (List<Map<String, Object>>) l : List.of(),
                !Boolean.FALSE.equals(d.get("allow_retries")), d.get("max_retries") instanceof Number n ? n.intValue() : 3,
                retry instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of());
    }

    private static StepResult started(long workflowId, long child, Long eventId, Map<String, Object> context, boolean now) {
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("workflow_id", workflowId);
        output.put("child_execution_id", child);
        if (eventId != null) {
            output.put("event_id", eventId);
        }
        output.put("context", context);
        if (!now) {
            output.put("already_started", true); // the step ran before and its child exists: not a second one
        }
        return StepResult.completed(output);
    }
}
