package dev.triggerfish.api;

import dev.triggerfish.support.FieldError;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code /api/keys} (admin scope): create a key (shown once), list keys (never the key), revoke one. */
@Path("/api/keys")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RequiresScope(Scope.ADMIN)
public class ApiKeyResource {
    private static final Set<String> RESERVED = Set.of("bootstrap", "first-run");

    @Inject
    ApiKeyStore store;

    @Inject
    ApiKeys keys;

    @Inject
    SecurityIdentity caller;

    /** {@code {"name": "crm-sync", "scopes": ["write"]}}: 201 with the key, which is never shown again. */
    @POST
    public Uni<Response> create(Map<String, Object> body) {
        String actor = caller.getPrincipal().getName();
        NewKey request = NewKey.from(body);
        return store.create(request.name(), request.scopes(), actor)
                .call(created -> keys.reload())
                .map(created -> Response.status(201).entity(created).build());
    }

    @GET
    public Uni<List<Map<String, Object>>> list() {
        return store.list();
    }

    /** Revokes the key at once; 404 when there is no such key or it is revoked already. */
    @DELETE
    @Path("{id}")
    public Uni<Map<String, Object>> revoke(@PathParam("id") long id) {
        String actor = caller.getPrincipal().getName();
        return store.revoke(id, actor)
                .map(found -> found.orElseThrow(() -> ApiProblem.notFound("active API key", id)))
                .call(revoked -> keys.reload());
    }

    /** A checked create request. */
    record NewKey(String name, Set<Scope> scopes) {
        static NewKey from(Map<String, Object> body) {
            ApiProblem.requireObject(body);
            List<FieldError> errors = new ArrayList<>();
            for (String field : body.keySet()) {
                if (!field.equals("name") && !field.equals("scopes")) {
                    errors.add(new FieldError(field, "unknown field (a key has a name and scopes)"));
                }
            }
            String name = body.get("name") instanceof String n ? n.trim() : null;
            if (name == null || name.isEmpty() || name.length() > 100 || !name.matches("[A-Za-z0-9._-]+")) {
                errors.add(new FieldError("name", "is required: 1 to 100 letters, digits, '.', '_' or '-'"));
            } else if (RESERVED.contains(name)) {
                errors.add(new FieldError("name", "'" + name + "' is reserved for the configured keys"));
            }
            EnumSet<Scope> scopes = EnumSet.noneOf(Scope.class);
            if (!(body.get("scopes") instanceof List<?> list) || list.isEmpty()) {
                errors.add(new FieldError("scopes", "is required: a list of one or more of read, write, admin"));
            } else {
                for (int i = 0; i < list.size(); i++) {
                    Object s = list.get(i);
                    if (s instanceof String text && Scope.parse(text).isPresent()) {
                        scopes.add(Scope.parse(text).get());
                    } else {
                        errors.add(new FieldError("scopes[" + i + "]", "must be one of: read, write, admin"));
                    }
                }
            }
            if (!errors.isEmpty()) {
                throw ApiProblem.invalid("API key", errors);
            }
            return new NewKey(name, scopes);
        }
    }
}
