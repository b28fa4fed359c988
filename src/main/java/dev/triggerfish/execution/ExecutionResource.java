package dev.triggerfish.execution;

import dev.triggerfish.api.ApiProblem;
import dev.triggerfish.crm.CrmRecord;
import dev.triggerfish.crm.RecordStore;
import dev.triggerfish.event.EventStore;
import dev.triggerfish.event.NewEvent;
import dev.triggerfish.support.EntityType;
import dev.triggerfish.trigger.TriggerCatalog;
import dev.triggerfish.trigger.TriggerNotFound;
import dev.triggerfish.trigger.TriggerSnapshot;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A trigger's execution history, and manual execution of a trigger. */
@Path("/api/event-triggers/{id}")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ExecutionResource {
    private static final int MAX_LIMIT = 500;

    private final ExecutionStore executions;
    private final EventStore events;
    private final RecordStore records;
    private final TriggerCatalog catalog;
    private final Runner runner;
    private final Pool pool;

    public ExecutionResource(ExecutionStore executions, EventStore events, RecordStore records, TriggerCatalog catalog, Runner runner, Pool pool) {
        this.executions = executions;
        this.events = events;
        this.records = records;
        this.catalog = catalog;
        this.runner = runner;
        this.pool = pool;
    }

    /** A trigger's executions, newest first: {@code ?limit=50&status=completed}. */
    @GET
    @Path("executions")
    public Uni<Map<String, Object>> history(@PathParam("id") long triggerId, @QueryParam("limit") Integer limit,
                                            @QueryParam("status") String status) {
        int n = limit == null ? 50 : limit;
        if (n < 1 || n > MAX_LIMIT) {
            throw ApiProblem.badRequest("limit", "must be between 1 and " + MAX_LIMIT);
        }
        ExecutionStatus wanted = status == null ? null : ExecutionStatus.fromWireName(status);
        if (status != null && wanted == null) {
            throw ApiProblem.badRequest("status", "unknown status '" + status + "'");
        }
        return executions.history(triggerId, wanted, n)
                .map(list -> {
                    Map<String, Object> answer = new LinkedHashMap<>();
                    answer.put("trigger_id", triggerId);
                    answer.put("data", list);
                    return answer;
                });
    }

    /**
     * Replays a trigger's failed executions created in a time window:
     * {@code {"from": "2026-11-25T00:00:00Z", "to": "2026-11-26T00:00:00Z"}} (both optional). Idempotent:
     * a second call finds them no longer failed.
     */
    @POST
    @Path("executions/retry")
    public Uni<Map<String, Object>> retryFailed(@PathParam("id") long triggerId, Map<String, Object> body) {
        Map<String, Object> window = body == null ? Map.of() : body;
        OffsetDateTime from = time(window, "from");
        OffsetDateTime to = time(window, "to");
        return executions.failed(triggerId, from, to)
                .flatMap(ids -> ids.isEmpty() ? Uni.createFrom().item(List.<Long>of()) : executions.replay(ids))
                .map(replayed -> Map.of("trigger_id", triggerId, "replayed", replayed.size(), "execution_ids", replayed));
    }

    private static OffsetDateTime time(Map<String, Object> body, String key) {
        Object raw = body.get(key);
        if (raw == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(raw.toString());
        } catch (java.time.format.DateTimeParseException e) {
            throw ApiProblem.badRequest(key, "must be an ISO date-time with an offset, e.g. 2026-11-25T00:00:00Z");
        }
    }

    /**
     * Runs a trigger now for one record, whatever its conditions (the spec's manual execution):
     * {@code {"entity_type": "Contact", "entity_id": 123, "context": {...}}}. Answers 202 with the
     * execution to follow.
     */
    @POST
    @Path("execute")
    public Uni<Response> execute(@PathParam("id") long triggerId, Map<String, Object> body) {
        Map<String, Object> request = body == null ? Map.of() : body;
        return catalog.ensureLoaded().flatMap(ignored -> {
            TriggerSnapshot trigger = catalog.get(triggerId);
            if (trigger == null) {
                throw new TriggerNotFound(triggerId);
            }
            String type = entityType(request, trigger);
            Object id = request.get("entity_id");
            if (id != null && dev.triggerfish.api.Ids.text(id) == null) {
                throw ApiProblem.badRequest("entity_id", "must be a string or a whole number (exact: at most 2^53)");
            }
            if (request.get("context") != null && !(request.get("context") instanceof Map<?, ?>)) {
                throw ApiProblem.badRequest("context", "must be a JSON object");
            }
            String entityId = id == null ? null : dev.triggerfish.api.Ids.text(id);
            @SuppressWarnings("unchecked")
            Map<String, Object> context = (Map<String, Object>) request.get("context");
            // the event is stored as already dispatched: this run is its one execution, due now by the database's clock
            return pool.withTransaction(tx -> (entityId == null ? Uni.createFrom().<CrmRecord>nullItem() : records.find(tx, type, entityId, false))
                            .flatMap(record -> events.appendAll(tx, List.of(new NewEvent("manual", type, entityId, null,
                                    record == null ? null : record.toJson(), null, context, "manual", 0, null, null)), true))
                            .flatMap(appended -> executions.insertDueNow(tx, trigger.id(), trigger.version(), appended.get(0).id(), type, entityId)
                                    .map(executionId -> Map.<String, Object>of("execution_id", executionId,
                                            "event_id", appended.get(0).id(), "status", ExecutionStatus.PENDING.wireName()))))
                    .invoke(runner::wake)
                    .map(answer -> Response.accepted(answer).location(URI.create("/api/executions/" + answer.get("execution_id"))).build());
        });
    }

    private static String entityType(Map<String, Object> request, TriggerSnapshot trigger) {
        Object raw = request.get("entity_type");
        if (raw == null) {
            if (trigger.compiled().modelKey() == null) {
                throw ApiProblem.badRequest("entity_type", "is required: the trigger names no model_type");
            }
            return trigger.compiled().modelKey();
        }
        if (!(raw instanceof String s) || !EntityType.isValid(s)) {
            throw ApiProblem.badRequest("entity_type", "must be a record type such as 'Contact'");
        }
        return EntityType.canonical(s);
    }
}
