package dev.triggerfish.crm;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.List;
import java.util.Map;

/** {@code /api/roles}: every role with its active users, in round-robin order. */
@Path("/api/roles")
@Produces(MediaType.APPLICATION_JSON)
public class RoleResource {
    private final UserDirectory users;

    public RoleResource(UserDirectory users) {
        this.users = users;
    }

    @GET
    public Uni<Map<String, List<String>>> roles() {
        return users.roles();
    }
}
