package dev.triggerfish.crm;

import io.quarkus.security.identity.SecurityIdentity;
import dev.triggerfish.api.ApiProblem;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.List;
import java.util.Map;

/** {@code /api/users}: who {@code assign_to_user} can assign records to. */
@Path("/api/users")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class UserResource {
    private final UserDirectory users;
    private final SecurityIdentity caller;

    public UserResource(UserDirectory users, SecurityIdentity caller) {
        this.users = users;
        this.caller = caller;
    }

    /** Creates or replaces a user: {@code {"id", "name", "email", "roles": [...], "active"}}. */
    @POST
    public Uni<Response> save(Map<String, Object> body) {
        ApiProblem.requireObject(body);
        return users.save(body, caller.getPrincipal().getName()).map(user -> Response.ok(user).build());
    }

    @GET
    public Uni<List<Map<String, Object>>> list() {
        return users.list();
    }

    @GET
    @Path("{id}")
    public Uni<Map<String, Object>> get(@PathParam("id") String id) {
        return users.get(id);
    }

    @DELETE
    @Path("{id}")
    public Uni<Response> delete(@PathParam("id") String id) {
        return users.delete(id, caller.getPrincipal().getName()).map(ignored -> Response.noContent().build());
    }
}
