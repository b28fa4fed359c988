package dev.triggerfish.workflow;

import dev.triggerfish.api.ApiProblem;
import dev.triggerfish.api.Etags;
import dev.triggerfish.api.Paging;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import java.util.Map;

/** {@code /api/workflows}: the action chains that {@code trigger_workflow} starts by {@code workflow_id}. */
@Path("/api/workflows")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class WorkflowResource {
    private final Workflows workflows;
    private final SecurityIdentity caller;

    public WorkflowResource(Workflows workflows, SecurityIdentity caller) {
        this.workflows = workflows;
        this.caller = caller;
    }

    @POST
    public Uni<Response> create(Map<String, Object> body, @Context UriInfo uri) {
        return workflows.create(ApiProblem.requireObject(body), actor())
                .map(created -> Response.created(uri.getAbsolutePathBuilder().path(String.valueOf(created.id())).build())
                        .tag(Etags.of(created.version())).entity(created.toJson()).build());
    }

    @GET
    public Uni<Map<String, Object>> list(@QueryParam("page") Integer page, @QueryParam("per_page") Integer perPage) {
        return workflows.list(Paging.of(page, perPage));
    }

    @GET
    @Path("{id}")
    public Uni<Response> get(@PathParam("id") long id) {
        return workflows.get(id).map(WorkflowResource::ok);
    }

    @PUT
    @Path("{id}")
    public Uni<Response> replace(@PathParam("id") long id, Map<String, Object> body, @HeaderParam("If-Match") String ifMatch) {
        return workflows.replace(id, ApiProblem.requireObject(body), Etags.expectedVersion(ifMatch), actor()).map(WorkflowResource::ok);
    }

    @DELETE
    @Path("{id}")
    public Uni<Response> delete(@PathParam("id") long id, @HeaderParam("If-Match") String ifMatch) {
        return workflows.delete(id, Etags.expectedVersion(ifMatch), actor()).map(ignored -> Response.noContent().build());
    }

    private String actor() {
        return caller.getPrincipal().getName();
    }

    static Response ok(Definition definition) {
        return Response.ok(definition.toJson()).tag(Etags.of(definition.version())).build();
    }
}
