package dev.triggerfish.execution;

import dev.triggerfish.support.NotFound;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.List;
import java.util.Map;

/** {@code /api/executions/{id}}: one execution with every step (status, duration, output or error). */
@Path("/api/executions")
@Produces(MediaType.APPLICATION_JSON)
public class ExecutionQueryResource {
    private final ExecutionStore executions;

    public ExecutionQueryResource(ExecutionStore executions) {
        this.executions = executions;
    }

    @GET
    @Path("{id}")
    public Uni<Map<String, Object>> get(@PathParam("id") long id) {
        return executions.get(id).onItem().ifNull().failWith(() -> new NotFound("execution", id));
    }

    /**
     * Replays a failed (dead-letter) execution: it runs again from its failed step, with the same
     * idempotency keys and a fresh retry allowance. Idempotent: an execution that is not failed is left
     * as it is; the answer says which happened.
     */
    @POST
    @Path("{id}/retry")
    public Uni<Response> retry(@PathParam("id") long id) {
        return executions.get(id)
                .onItem().ifNull().failWith(() -> new NotFound("execution", id))
                .flatMap(execution -> executions.replay(List.of(id))
                        .map(replayed -> Response.accepted(Map.of("execution_id", id, "replayed", !replayed.isEmpty(),
                                "status", replayed.isEmpty() ? execution.get("status") : ExecutionStatus.RETRYING.wireName())).build()));
    }
}
