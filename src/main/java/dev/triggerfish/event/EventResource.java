package dev.triggerfish.event;

import dev.triggerfish.api.ApiProblem;
import dev.triggerfish.support.FieldError;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
    private final EventIntake intake;

    public EventResource(EventStore store, EventIntake intake) {
        this.store = store;
        this.intake = intake;
    }

    @POST
    public Uni<Response> accept(Object body) {
        intake.refuseIfOverloaded();
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
        return intake.accept(events)
                .map(appended -> {
                    Map<String, Object> answer = new LinkedHashMap<>();
                    answer.put("accepted", appended.size());
                    answer.put("event_ids", appended.stream().map(EventStore.Appended::id).toList());
                    return Response.accepted(answer).build();
                });
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
