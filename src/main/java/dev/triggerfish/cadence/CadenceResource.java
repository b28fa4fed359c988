package dev.triggerfish.cadence;

import dev.triggerfish.api.ApiProblem;
import dev.triggerfish.api.Etags;
import dev.triggerfish.api.Paging;
import dev.triggerfish.support.NotFound;
import dev.triggerfish.workflow.Definition;
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

/** {@code /api/cadences}: the cadences that {@code add_to_cadence} enrols records in, and their enrolments. */
@Path("/api/cadences")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class CadenceResource {
    private final Cadences cadences;
    private final Enrolments enrolments;
    private final SecurityIdentity caller;

    public CadenceResource(Cadences cadences, Enrolments enrolments, SecurityIdentity caller) {
        this.cadences = cadences;
        this.enrolments = enrolments;
        this.caller = caller;
    }

    @POST
    public Uni<Response> create(Map<String, Object> body, @Context UriInfo uri) {
        return cadences.create(ApiProblem.requireObject(body), actor())
                .map(created -> Response.created(uri.getAbsolutePathBuilder().path(String.valueOf(created.id())).build())
                        .tag(Etags.of(created.version())).entity(created.toJson()).build());
    }

    @GET
    public Uni<Map<String, Object>> list(@QueryParam("page") Integer page, @QueryParam("per_page") Integer perPage) {
        return cadences.list(Paging.of(page, perPage));
    }

    @GET
    @Path("{id}")
    public Uni<Response> get(@PathParam("id") long id) {
        return cadences.get(id).map(CadenceResource::ok);
    }

    @PUT
    @Path("{id}")
    public Uni<Response> replace(@PathParam("id") long id, Map<String, Object> body, @HeaderParam("If-Match") String ifMatch) {
        return cadences.replace(id, ApiProblem.requireObject(body), Etags.expectedVersion(ifMatch), actor()).map(CadenceResource::ok);
    }

    @DELETE
    @Path("{id}")
    public Uni<Response> delete(@PathParam("id") long id, @HeaderParam("If-Match") String ifMatch) {
        return cadences.delete(id, Etags.expectedVersion(ifMatch), actor()).map(ignored -> Response.noContent().build());
    }

    /** The cadence's enrolments, newest first, each with its next step and when it is due: {@code ?status=active}. */
    @GET
    @Path("{id}/enrolments")
    public Uni<Map<String, Object>> enrolments(@PathParam("id") long id, @QueryParam("status") String status,
                                               @QueryParam("page") Integer page, @QueryParam("per_page") Integer perPage) {
        EnrolmentStatus wanted = status == null ? null : EnrolmentStatus.fromWireName(status);
        if (status != null && wanted == null) {
            throw ApiProblem.badRequest("status", "must be one of: active, completed, exited, cancelled");
        }
        Paging paging = Paging.of(page, perPage);
        return cadences.get(id).flatMap(cadence -> enrolments.list(id, wanted, paging));
    }

    /** Ends an enrolment (no later step runs); answers it. Ending one that has ended already changes nothing. */
    @DELETE
    @Path("{id}/enrolments/{enrolment}")
    public Uni<Map<String, Object>> end(@PathParam("id") long id, @PathParam("enrolment") long enrolment) {
        return enrolments.cancel(id, enrolment, actor())
                .onItem().ifNull().failWith(() -> new NotFound("enrolment " + enrolment + " of cadence " + id + " does not exist"));
    }

    private String actor() {
        return caller.getPrincipal().getName();
    }

    private static Response ok(Definition definition) {
        return Response.ok(definition.toJson()).tag(Etags.of(definition.version())).build();
    }
}
