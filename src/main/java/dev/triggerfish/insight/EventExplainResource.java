package dev.triggerfish.insight;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.util.Map;

/** {@code GET /api/events/{id}/explain}: why each trigger fired for a stored event, or not. */
@Path("/api/events/{id}/explain")
@Produces(MediaType.APPLICATION_JSON)
public class EventExplainResource {
    private final EventExplainer explainer;

    public EventExplainResource(EventExplainer explainer) {
        this.explainer = explainer;
    }

    @GET
    public Uni<Map<String, Object>> explain(@PathParam("id") long id, @QueryParam("trigger_id") Long triggerId) {
        return explainer.explain(id, triggerId);
    }
}
