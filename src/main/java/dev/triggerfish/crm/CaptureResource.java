package dev.triggerfish.crm;

import dev.triggerfish.api.ApiProblem;
import dev.triggerfish.audit.AuditLog;
import io.quarkus.security.identity.SecurityIdentity;
import dev.triggerfish.api.FieldError;
import dev.triggerfish.event.EntityType;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
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
 * DELETE on it becomes an event in the writer's own transaction. The same can be done in SQL (README).
 * Triggerfish's own tables and the system catalogs are refused, by the relation the name resolves to
 * (however it is spelt), as the capture function refuses them ({@code triggerfish_capture_refusal}, V6).
 */
@Path("/api/capture")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class CaptureResource {
    /** A table name as SQL writes one, optionally schema-qualified; anything else never reaches PostgreSQL. */
    private static final java.util.regex.Pattern TABLE_NAME = java.util.regex.Pattern.compile(
            "(?:(?:\"(?:[^\"\u0000]|\"\")+\"|[A-Za-z_][A-Za-z0-9_$]*)\\.)?(?:\"(?:[^\"\u0000]|\"\")+\"|[A-Za-z_][A-Za-z0-9_$]*)");

    private final Pool pool;
    private final AuditLog audit;
    private final SecurityIdentity caller;

    public CaptureResource(Pool pool, AuditLog audit, SecurityIdentity caller) {
        this.pool = pool;
        this.audit = audit;
        this.caller = caller;
    }

    /** {@code {"table": "contacts", "model_type": "Contact", "id_column": "id"}}: installs (or replaces) the capture. */
    @POST
    public Uni<Response> install(Map<String, Object> body) {
        if (body == null) {
            throw ApiProblem.badRequest("$", "a JSON object is required");
        }
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
            throw ApiProblem.invalid("capture", errors);
        }
        String actor = caller.getPrincipal().getName();
        return pool.withTransaction(tx -> tx.preparedQuery("""
                                select to_regclass($1)::text as relation, triggerfish_capture_refusal(to_regclass($1)) as refusal,
                                       exists (select 1 from pg_attribute
                                               where attrelid = to_regclass($1) and attname = $2 and not attisdropped) as has_column""")
                        .execute(Tuple.of(table, idColumn))
                        .flatMap(rows -> {
                            Row row = rows.iterator().next();
                            if (row.getString("relation") == null) {
                                throw ApiProblem.invalid("capture", List.of(new FieldError("table", "no table named '" + table + "'")));
                            }
                            if (row.getString("refusal") != null) {
                                throw ApiProblem.invalid("capture", List.of(new FieldError("table", row.getString("refusal"))));
                            }
                            if (!row.getBoolean("has_column")) {
                                throw ApiProblem.invalid("capture", List.of(new FieldError("id_column", "'" + table + "' has no column '" + idColumn + "'")));
                            }
                            return tx.preparedQuery("""
                                            select format('create or replace trigger triggerfish_capture after insert or update or delete on %s'
                                                          || ' for each row execute function triggerfish_capture(%L, %L)',
                                                          to_regclass($1), $2::text, $3::text) as ddl""")
                                    .execute(Tuple.of(table, model, idColumn))
                                    .flatMap(ddl -> tx.query(ddl.iterator().next().getString("ddl")).execute())
                                    .call(() -> audit.record(tx, actor, "created", "capture", row.getString("relation"),
                                            Map.of("after", Map.of("table", row.getString("relation"), "model_type", model, "id_column", idColumn))))
                                    .replaceWith(row.getString("relation"));
                        }))
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
        return pool.query("""
                        select tgrelid::regclass::text as relation, tgargs from pg_trigger
                        where tgname = 'triggerfish_capture' and not tgisinternal order by 1""")
                .execute()
                .map(rows -> {
                    List<Map<String, Object>> out = new ArrayList<>();
                    for (Row row : rows) {
                        String[] args = new String(row.getBuffer("tgargs").getBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\u0000");
                        Map<String, Object> capture = new LinkedHashMap<>();
                        capture.put("table", row.getString("relation"));
                        capture.put("model_type", args.length > 0 ? args[0] : null);
                        capture.put("id_column", args.length > 1 ? args[1] : "id");
                        out.add(capture);
                    }
                    return out;
                });
    }

    /** Stops capturing a table: 404 when the table does not exist or is not captured. */
    @DELETE
    @Path("{table}")
    public Uni<Response> remove(@PathParam("table") String table) {
        if (!TABLE_NAME.matcher(table).matches()) {
            throw ApiProblem.notFound("table", table);
        }
        String actor = caller.getPrincipal().getName();
        return pool.withTransaction(tx -> tx.preparedQuery("""
                                select to_regclass($1)::text as relation, format('drop trigger triggerfish_capture on %s', to_regclass($1)) as ddl,
                                       exists (select 1 from pg_trigger where tgrelid = to_regclass($1) and tgname = 'triggerfish_capture'
                                               and not tgisinternal) as captured""")
                        .execute(Tuple.of(table))
                        .flatMap(rows -> {
                            Row row = rows.iterator().next();
                            if (row.getString("relation") == null) {
                                throw ApiProblem.notFound("table", table);
                            }
                            if (!row.getBoolean("captured")) {
                                throw new ApiProblem(404, "Not found", "table " + row.getString("relation") + " is not captured");
                            }
                            return tx.query(row.getString("ddl")).execute()
                                    .call(() -> audit.record(tx, actor, "deleted", "capture", row.getString("relation"), Map.of()));
                        }))
                .map(ignored -> Response.noContent().build());
    }
}
