package dev.triggerfish.event;

import dev.triggerfish.api.ApiProblem;
import dev.triggerfish.support.FieldError;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.inject.Instance;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code POST /api/events}: one event or a batch (a JSON array, up to {@value #MAX_BATCH}). The
 * answer (202, with the event ids) is sent only once the events are committed.
 */
@Path("/api/events")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class EventResource {
    static final int MAX_BATCH = 1000;

    private final EventStore store;
    private final Pool pool;
    private final Instance<InlineDispatch> inline;
    private final IntakeGate gate;
    /** How long a request may wait for this replica's runner to have room (then its work waits as pending). */
    private final Duration maxWait;

    public EventResource(EventStore store, Pool pool, Instance<InlineDispatch> inline, IntakeGate gate, IntakeConfig config) {
        this.maxWait = config.maxWait();
        this.store = store;
        this.pool = pool;
        this.inline = inline;
        this.gate = gate;
    }

    @POST
    public Uni<Response> accept(Object body) {
        if (gate.overloaded()) {
            throw new ApiProblem(503, "Overloaded", gate.backlog() + " events and executions are waiting; retry in "
                    + gate.retryAfterSeconds() + " s").withHeader("Retry-After", Integer.toString(gate.retryAfterSeconds()));
        }
        List<FieldError> errors = new ArrayList<>();
        List<NewEvent> events = new ArrayList<>();
        if (body instanceof List<?> batch) {
            if (batch.isEmpty() || batch.size() > MAX_BATCH) {
                throw ApiProblem.badRequest("$", "a batch holds 1 to " + MAX_BATCH + " events");
            }
            for (int i = 0; i < batch.size(); i++) {
                events.add(EventInput.read(batch.get(i), "[" + i + "]", errors));
            }
        } else if (body instanceof Map<?, ?>) {
            events.add(EventInput.read(body, "", errors));
        } else {
            throw ApiProblem.badRequest("$", "an event object or an array of events is required");
        }
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid("event", errors);
        }
        AtomicReference<InlineDispatch.AfterCommit> after = new AtomicReference<>(InlineDispatch.AfterCommit.NOTHING);
        boolean inlineDispatch = inline.isResolvable() && inline.get().enabled();
        // runner slots reserved for this request's executions, until the inline dispatch takes them
        AtomicInteger held = new AtomicInteger();
        Uni<Integer> room = inlineDispatch ? inline.get().awaitRoom(events.size(), maxWait) : Uni.createFrom().item(0);
        return room.invoke(held::set).flatMap(ignored -> pool.withTransaction(tx -> store.appendAll(tx, events, inlineDispatch)
                        .flatMap(appended -> dispatchInline(tx, events, appended, held)
                                .invoke(after::set)
                                .replaceWith(appended.stream().map(EventStore.Appended::id).toList()))))
                .onItem().invoke(() -> after.get().committed())
                .onFailure().invoke(() -> after.get().abandoned())
                .onTermination().invoke(() -> {
                    int unused = held.getAndSet(0); // nothing new to run (replayed ids), or the request failed or was cancelled
                    if (unused > 0) {
                        inline.get().release(unused);
                    }
                })
                .map(ids -> {
                    Map<String, Object> answer = new LinkedHashMap<>();
                    answer.put("accepted", ids.size());
                    answer.put("event_ids", ids);
                    return Response.accepted(answer).build();
                });
    }

    /** The events this call stored (not the replays of stored ones), matched in the same transaction. */
    private Uni<InlineDispatch.AfterCommit> dispatchInline(SqlClient tx, List<NewEvent> events, List<EventStore.Appended> appended,
                                                        AtomicInteger held) {
        if (!inline.isResolvable() || !inline.get().enabled()) {
            return Uni.createFrom().item(InlineDispatch.AfterCommit.NOTHING);
        }
        List<StoredEvent> stored = new ArrayList<>();
        OffsetDateTime now = OffsetDateTime.now();
        for (int i = 0; i < events.size(); i++) {
            if (appended.get(i).inserted()) {
                NewEvent e = events.get(i);
                stored.add(new StoredEvent(appended.get(i).id(), e.kind(), e.entityType(), e.entityId(), e.oldState(), e.newState(),
                        e.context(), e.source(), e.chainDepth(), e.originTriggerId(), now));
            }
        }
        return stored.isEmpty() ? Uni.createFrom().item(InlineDispatch.AfterCommit.NOTHING) : inline.get().dispatch(tx, stored, held.getAndSet(0));
    }

    /** The event, with {@code status}, {@code attempts} and, when it failed, {@code error}. */
    @GET
    @Path("{id}")
    public Uni<EventState> get(@PathParam("id") long id) {
        return store.findWithState(id).onItem().ifNull().failWith(() -> ApiProblem.notFound("event", id));
    }

    /** Dispatches a {@code failed} event again (202); 409 when it is not failed. */
    @POST
    @Path("{id}/redispatch")
    public Uni<Response> redispatch(@PathParam("id") long id) {
        return store.redispatch(id)
                .onItem().ifNull().failWith(() -> ApiProblem.notFound("event", id))
                .map(again -> {
                    if (!again) {
                        throw new ApiProblem(409, "Conflict", "event " + id + " is not failed: only a failed event is dispatched again");
                    }
                    return Response.accepted(java.util.Map.of("event_id", id, "status", EventStatus.NEW.wireName())).build();
                });
    }
}
