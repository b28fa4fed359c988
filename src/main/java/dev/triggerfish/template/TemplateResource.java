package dev.triggerfish.template;

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

/** {@code /api/templates}: the message templates that {@code send_email} and {@code send_sms} name by {@code template_id}. */
@Path("/api/templates")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class TemplateResource {
    private final TemplateStore store;
    private final SecurityIdentity caller;

    public TemplateResource(TemplateStore store, SecurityIdentity caller) {
        this.store = store;
        this.caller = caller;
    }

    @POST
    public Uni<Response> create(Map<String, Object> body, @Context UriInfo uri) {
        return store.create(ApiProblem.requireObject(body), actor())
                .map(created -> Response.created(uri.getAbsolutePathBuilder().path(String.valueOf(created.id())).build())
                        .tag(Etags.of(created.version())).entity(created.toJson()).build());
    }

    @GET
    public Uni<Map<String, Object>> list(@QueryParam("channel") String channel, @QueryParam("page") Integer page,
                                         @QueryParam("per_page") Integer perPage) {
        return store.list(channel(channel), Paging.of(page, perPage));
    }

    @GET
    @Path("{id}")
    public Uni<Response> get(@PathParam("id") long id) {
        return store.get(id).map(TemplateResource::ok);
    }

    @PUT
    @Path("{id}")
    public Uni<Response> replace(@PathParam("id") long id, Map<String, Object> body, @HeaderParam("If-Match") String ifMatch) {
        return store.replace(id, ApiProblem.requireObject(body), Etags.expectedVersion(ifMatch), actor()).map(TemplateResource::ok);
    }

    @DELETE
    @Path("{id}")
    public Uni<Response> delete(@PathParam("id") long id, @HeaderParam("If-Match") String ifMatch) {
        return store.delete(id, Etags.expectedVersion(ifMatch), actor()).map(ignored -> Response.noContent().build());
    }

    private String actor() {
        return caller.getPrincipal().getName();
    }

    private static Response ok(MessageTemplate template) {
        return Response.ok(template.toJson()).tag(Etags.of(template.version())).build();
    }


    private static MessageTemplate.Channel channel(String raw) {
        if (raw == null) {
            return null;
        }
        MessageTemplate.Channel channel = MessageTemplate.Channel.fromWireName(raw);
        if (channel == null) {
            throw ApiProblem.badRequest("channel", "must be email or sms");
        }
        return channel;
    }
}
