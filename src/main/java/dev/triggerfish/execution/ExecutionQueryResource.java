package dev.triggerfish.execution;

import dev.triggerfish.api.ApiProblem;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

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
        return executions.get(id).onItem().ifNull().failWith(() -> ApiProblem.notFound("execution", id));
    }
}
