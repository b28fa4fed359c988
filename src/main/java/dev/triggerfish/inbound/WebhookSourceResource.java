package dev.triggerfish.inbound;

import dev.triggerfish.api.ApiProblem;
import dev.triggerfish.api.Etags;
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
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import java.util.Map;

/**
 * {@code /api/webhook-sources}: the named senders of inbound webhooks, each naming the configured
 * secret that verifies it; {@code write} to change one, {@code read} to read, as for triggers.
 */
@Path("/api/webhook-sources")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class WebhookSourceResource {
    private final WebhookSourceStore store;
    private final SecurityIdentity caller;

    public WebhookSourceResource(WebhookSourceStore store, SecurityIdentity caller) {
        this.store = store;
        this.caller = caller;
    }

    @POST
    public Uni<Response> create(Map<String, Object> body, @Context UriInfo uri) {
        return store.create(ApiProblem.requireObject(body), actor())
                .map(created -> Response.created(uri.getAbsolutePathBuilder().path(created.name()).build())
                        .tag(Etags.of(created.version())).entity(created.toJson()).build());
    }

    @GET
    public Uni<Map<String, Object>> list() {
        return store.list().map(all -> Map.of("data", all.stream().map(WebhookSource::toJson).toList()));
    }

    @GET
    @Path("{name}")
    public Uni<Response> get(@PathParam("name") String name) {
        return store.get(name).map(WebhookSourceResource::ok);
    }

    /** The whole new source; rotating a secret is a PUT with the new name in {@code secret} and the old in {@code previous_secret}. */
    @PUT
    @Path("{name}")
    public Uni<Response> replace(@PathParam("name") String name, Map<String, Object> body, @HeaderParam("If-Match") String ifMatch) {
        return store.replace(name, ApiProblem.requireObject(body), Etags.expectedVersion(ifMatch), actor()).map(WebhookSourceResource::ok);
    }

    @DELETE
    @Path("{name}")
    public Uni<Response> delete(@PathParam("name") String name, @HeaderParam("If-Match") String ifMatch) {
        return store.delete(name, Etags.expectedVersion(ifMatch), actor()).map(ignored -> Response.noContent().build());
    }

    private String actor() {
        return caller.getPrincipal().getName();
    }

    private static Response ok(WebhookSource source) {
        return Response.ok(source.toJson()).tag(Etags.of(source.version())).build();
    }
}
