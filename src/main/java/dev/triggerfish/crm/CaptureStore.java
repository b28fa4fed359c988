package dev.triggerfish.crm;

import dev.triggerfish.audit.AuditLog;
import dev.triggerfish.support.FieldError;
import dev.triggerfish.support.InvalidInput;
import dev.triggerfish.support.NotFound;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

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
/**
 * The capture triggers in the database: installs the capture trigger on a CRM table (refusing
 * Triggerfish's own tables and the system catalogs by the relation the name resolves to, as the capture
 * function does, {@code triggerfish_capture_refusal}, V6), lists and removes them; each change audited in
 * its own transaction.
 */
@ApplicationScoped
public class CaptureStore {
    private final Pool pool;
    private final AuditLog audit;

    public CaptureStore(Pool pool, AuditLog audit) {
        this.pool = pool;
        this.audit = audit;
    }

    /** Installs (or replaces) the capture of {@code table}; answers the relation it resolved to. */
    public Uni<String> install(String table, String model, String idColumn, String actor) {
        return pool.withTransaction(tx -> tx.preparedQuery("""
                                select to_regclass($1)::text as relation, triggerfish_capture_refusal(to_regclass($1)) as refusal,
                                       exists (select 1 from pg_attribute
                                               where attrelid = to_regclass($1) and attname = $2 and not attisdropped) as has_column""")
                        .execute(Tuple.of(table, idColumn))
                        .flatMap(rows -> {
                            Row row = rows.iterator().next();
                            if (row.getString("relation") == null) {
                                throw new InvalidInput("capture", List.of(new FieldError("table", "no table named '" + table + "'")));
                            }
                            if (row.getString("refusal") != null) {
                                throw new InvalidInput("capture", List.of(new FieldError("table", row.getString("refusal"))));
                            }
                            if (!row.getBoolean("has_column")) {
                                throw new InvalidInput("capture", List.of(new FieldError("id_column", "'" + table + "' has no column '" + idColumn + "'")));
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
                        }));
    }

    /** The tables whose changes are captured, with their model type and id column. */
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

    /** Stops capturing {@code table}: 404 when the table does not exist or is not captured. */
    public Uni<Void> remove(String table, String actor) {
        return pool.withTransaction(tx -> tx.preparedQuery("""
                                select to_regclass($1)::text as relation, format('drop trigger triggerfish_capture on %s', to_regclass($1)) as ddl,
                                       exists (select 1 from pg_trigger where tgrelid = to_regclass($1) and tgname = 'triggerfish_capture'
                                               and not tgisinternal) as captured""")
                        .execute(Tuple.of(table))
                        .flatMap(rows -> {
                            Row row = rows.iterator().next();
                            if (row.getString("relation") == null) {
                                throw new NotFound("table", table);
                            }
                            if (!row.getBoolean("captured")) {
                                throw new NotFound("table " + row.getString("relation") + " is not captured");
                            }
                            return tx.query(row.getString("ddl")).execute()
                                    .call(() -> audit.record(tx, actor, "deleted", "capture", row.getString("relation"), Map.of()));
                        }))
                .replaceWithVoid();
    }
}
