package dev.triggerfish.crm;

import dev.triggerfish.api.ApiProblem;
import dev.triggerfish.support.EntityType;
import dev.triggerfish.support.FieldError;
import dev.triggerfish.support.InvalidInput;
import dev.triggerfish.support.NotFound;
import io.quarkus.security.identity.SecurityIdentity;
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

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/capture}: installs the capture trigger on a CRM table, so that every INSERT, UPDATE and
 * DELETE on it becomes an event in the writer's own transaction ({@link CaptureStore}). The same can be
 * done in SQL (README).
 */
@Path("/api/capture")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class CaptureResource {
    /** A table name as SQL writes one, optionally schema-qualified; anything else never reaches PostgreSQL. */
    private static final java.util.regex.Pattern TABLE_NAME = java.util.regex.Pattern.compile(
            "(?:(?:\"(?:[^\"\u0000]|\"\")+\"|[A-Za-z_][A-Za-z0-9_$]*)\\.)?(?:\"(?:[^\"\u0000]|\"\")+\"|[A-Za-z_][A-Za-z0-9_$]*)");

    private final CaptureStore store;
    private final SecurityIdentity caller;

    public CaptureResource(CaptureStore store, SecurityIdentity caller) {
        this.store = store;
        this.caller = caller;
    }

    /** {@code {"table": "contacts", "model_type": "Contact", "id_column": "id"}}: installs (or replaces) the capture. */
    @POST
    public Uni<Response> install(Map<String, Object> body) {
        ApiProblem.requireObject(body);
        List<FieldError> errors = new ArrayList<>();
        String table = body.get("table") instanceof String t && !t.isBlank() ? t : null;
        if (table == null) {
            errors.add(new FieldError("table", "is required: the table to capture, e.g. 'contacts' or 'crm.contacts'"));
        } else if (!TABLE_NAME.matcher(table).matches()) {
            errors.add(new FieldError("table", "must be a table name, optionally with its schema: 'contacts', 'crm.contacts', '\"My Table\"'"));
        }
        String model = body.get("model_type") instanceof String m && EntityType.isValid(m) ? EntityType.canonical(m) : null;
        if (model == null) {
            errors.add(new FieldError("model_type", "is required: the model its rows are, e.g. 'Contact'"));
        }
        String idColumn = body.get("id_column") == null ? "id" : body.get("id_column") instanceof String c && !c.isBlank() ? c : null;
        if (idColumn == null) {
            errors.add(new FieldError("id_column", "must be a column name"));
        }
        if (!errors.isEmpty()) {
            throw new InvalidInput("capture", errors);
        }
        String actor = caller.getPrincipal().getName();
        return store.install(table, model, idColumn, actor)
                .map(relation -> {
                    Map<String, Object> answer = new LinkedHashMap<>();
                    answer.put("table", relation);
                    answer.put("model_type", model);
                    answer.put("id_column", idColumn);
                    return Response.status(201).entity(answer).build();
                });
    }

    /** The tables whose changes are captured. */
    @GET
    public Uni<List<Map<String, Object>>> list() {
        return store.list();
    }

    /** Stops capturing a table: 404 when the table does not exist or is not captured. */
    @DELETE
    @Path("{table}")
    public Uni<Response> remove(@PathParam("table") String table) {
        if (!TABLE_NAME.matcher(table).matches()) {
            throw new NotFound("table", table);
        }
        String actor = caller.getPrincipal().getName();
        return store.remove(table, actor)
                .map(ignored -> Response.noContent().build());
    }
}
