package dev.triggerfish.workflow;

import dev.triggerfish.api.Paging;
import dev.triggerfish.audit.AuditLog;
import dev.triggerfish.support.Conflict;
import dev.triggerfish.support.FieldError;
import dev.triggerfish.support.InvalidInput;
import dev.triggerfish.support.JsonText;
import dev.triggerfish.support.NotFound;
import dev.triggerfish.support.VersionConflict;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A table of {@link Definition}s ({@code workflows}, {@code cadences}: V14), as {@code message_templates}
 * is kept: ids a user may choose, every change one transaction with its audit record, and a change that
 * names a version (If-Match, or {@code version} in the body) loses cleanly to a concurrent one.
 */
public final class DefinitionTable {
    private static final String COLUMNS = "id, name, description, definition::text as definition, version, created_at, updated_at";

    private final Pool pool;
    private final AuditLog audit;
    private final String table;
    private final String what;

    /** @param table one of V14's tables (a constant, never input); {@code what} names a row in messages and the audit trail */
    public DefinitionTable(Pool pool, AuditLog audit, String table, String what) {
        this.pool = pool;
        this.audit = audit;
        this.table = table;
        this.what = what;
    }

    /** Creates a definition, with the id asked for or the next free one; 409 when that id is taken. */
    public Uni<Definition> create(DefinitionInput input, String actor) {
        return pool.withTransaction(tx -> tx.preparedQuery("""
                        insert into %1$s (id, name, description, definition)
                        values (coalesce($1, nextval(pg_get_serial_sequence('%1$s', 'id'))), $2, $3, $4::text::jsonb)
                        on conflict (id) do nothing
                        returning %2$s""".formatted(table, COLUMNS))
                .execute(Tuple.of(input.id(), input.name(), input.description(), JsonText.write(input.definition())))
                .map(rows -> {
                    if (rows.rowCount() == 0) {
                        throw new Conflict(input.id() == null
                                ? "the generated id was just taken by a " + what + " created with that id; retry"
                                : what + " " + input.id() + " already exists");
                    }
                    return read(rows.iterator().next());
                })
                .call(created -> input.id() == null ? Uni.createFrom().voidItem() : keepSequenceAhead(tx))
                .call(created -> audit.record(tx, actor, "created", what, String.valueOf(created.id()), Map.of("after", created.toJson()))));
    }

    public Uni<Definition> get(long id) {
        return find(pool, id).onItem().ifNull().failWith(() -> new NotFound(what, id));
    }

    /** The definition, or null when there is none: read in {@code client} (a step's transaction, say). */
    public Uni<Definition> find(SqlClient client, long id) {
        return client.preparedQuery("select " + COLUMNS + " from " + table + " where id = $1").execute(Tuple.of(id))
                .map(rows -> rows.rowCount() == 0 ? null : read(rows.iterator().next()));
    }

    /** One page, by id. */
    public Uni<Map<String, Object>> list(Paging paging) {
        return pool.preparedQuery("select " + COLUMNS + ", count(*) over () as total from " + table + " order by id limit $1 offset $2")
                .execute(Tuple.of(paging.perPage(), paging.offset()))
                .flatMap(rows -> {
                    List<Map<String, Object>> data = new ArrayList<>();
                    rows.forEach(row -> data.add(read(row).toJson()));
                    if (rows.rowCount() > 0 || paging.page() == 1) {
                        long total = rows.rowCount() == 0 ? 0 : rows.iterator().next().getLong("total");
                        return Uni.createFrom().item(Paging.body(data, paging.page(), paging.perPage(), total));
                    }
                    return pool.query("select count(*) from " + table).execute()
                            .map(count -> Paging.body(data, paging.page(), paging.perPage(), count.iterator().next().getLong(0)));
                });
    }

    /** PUT: the input is the whole new definition. */
    public Uni<Definition> replace(long id, DefinitionInput input, Integer ifMatch, String actor) {
        if (input.id() != null && input.id() != id) {
            throw new InvalidInput(what, List.of(new FieldError("id", "is " + input.id() + " but the path names " + what + " " + id)));
        }
        return pool.withTransaction(tx -> locked(tx, id, ifMatch, input.version())
                .flatMap(before -> tx.preparedQuery("""
                                update %s set name = $2, description = $3, definition = $4::text::jsonb, version = version + 1, updated_at = now()
                                where id = $1 returning %s""".formatted(table, COLUMNS))
                        .execute(Tuple.of(id, input.name(), input.description(), JsonText.write(input.definition())))
                        .map(rows -> read(rows.iterator().next()))
                        .call(after -> {
                            Map<String, Object> change = new LinkedHashMap<>();
                            change.put("before", before.toJson());
                            change.put("after", after.toJson());
                            return audit.record(tx, actor, "updated", what, String.valueOf(id), change);
                        })));
    }

    /** Deletes the definition; {@code also} runs in the same transaction (ending what it started, say). */
    public Uni<Void> delete(long id, Integer ifMatch, String actor, java.util.function.Function<SqlClient, Uni<?>> also) {
        return pool.withTransaction(tx -> locked(tx, id, ifMatch, null)
                .call(before -> tx.preparedQuery("delete from " + table + " where id = $1").execute(Tuple.of(id)))
                .call(before -> also.apply(tx))
                .flatMap(before -> audit.record(tx, actor, "deleted", what, String.valueOf(id), Map.of("before", before.toJson()))));
    }

    /** The definition, row-locked for this transaction, at the version the caller expects. */
    private Uni<Definition> locked(SqlClient tx, long id, Integer ifMatch, Integer bodyVersion) {
        return tx.preparedQuery("select " + COLUMNS + " from " + table + " where id = $1 for update").execute(Tuple.of(id))
                .map(rows -> {
                    if (rows.rowCount() == 0) {
                        throw new NotFound(what, id);
                    }
                    Definition current = read(rows.iterator().next());
                    if (ifMatch != null && ifMatch != current.version()) {
                        throw VersionConflict.ifMatch(what, id, current.version(), ifMatch);
                    }
                    if (bodyVersion != null && bodyVersion != current.version()) {
                        throw VersionConflict.inBody(what, id, current.version(), bodyVersion);
                    }
                    return current;
                });
    }

    /** After an insert with a chosen id, the next generated id comes after every id in the table. */
    private Uni<Void> keepSequenceAhead(SqlClient tx) {
        return tx.query("""
                        select setval(pg_get_serial_sequence('%1$s', 'id'),
                                      greatest((select max(id) from %1$s), (select last_value from %1$s_id_seq)))""".formatted(table))
                .execute().replaceWithVoid();
    }

    private static Definition read(Row row) {
        return new Definition(row.getLong("id"), row.getString("name"), row.getString("description"),
                JsonText.readObject(row.getString("definition")), row.getInteger("version"), row.getOffsetDateTime("created_at"),
                row.getOffsetDateTime("updated_at"));
    }
}
