package dev.triggerfish.schedule;

import dev.triggerfish.api.ApiProblem;
import dev.triggerfish.trigger.TriggerCatalog;
import dev.triggerfish.trigger.TriggerNotFound;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.LinkedHashMap;
import java.util.Map;

/** A time_based trigger's slots: their run summaries, and backfills of past windows. */
@Path("/api/event-triggers/{id}")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ScheduleResource {
    private static final int MAX_LIMIT = 500;

    private final SlotStore slots;
    private final Backfill backfill;
    private final TriggerCatalog catalog;

    public ScheduleResource(SlotStore slots, Backfill backfill, TriggerCatalog catalog) {
        this.slots = slots;
        this.backfill = backfill;
        this.catalog = catalog;
    }

    /** The trigger's slots, latest first: {@code ?limit=50}. */
    @GET
    @Path("runs")
    public Uni<Map<String, Object>> runs(@PathParam("id") long triggerId, @QueryParam("limit") Integer limit) {
        int n = limit == null ? 50 : limit;
        if (n < 1 || n > MAX_LIMIT) {
            throw ApiProblem.badRequest("limit", "must be between 1 and " + MAX_LIMIT);
        }
        return catalog.ensureLoaded()
                .invoke(() -> {
                    if (catalog.get(triggerId) == null) {
                        throw new TriggerNotFound(triggerId);
                    }
                })
                .flatMap(ignored -> slots.runs(triggerId, n))
                .map(list -> {
                    Map<String, Object> answer = new LinkedHashMap<>();
                    answer.put("trigger_id", triggerId);
                    answer.put("data", list);
                    return answer;
                });
    }

    /** Runs the slots of a past window: {@code {"from": "...", "to": "..."}}; 202, the slots run on the scheduler's next tick. */
    @POST
    @Path("backfill")
    public Uni<Response> backfill(@PathParam("id") long triggerId, Map<String, Object> body) {
        if (body == null) {
            throw ApiProblem.badRequest("$", "a JSON object is required: {\"from\": \"<ISO date-time>\", \"to\": \"<ISO date-time>\"}");
        }
        return backfill.request(triggerId, body).map(answer -> Response.accepted(answer).build());
    }
}
