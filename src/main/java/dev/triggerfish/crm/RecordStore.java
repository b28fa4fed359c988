package dev.triggerfish.crm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.triggerfish.event.EventStore;
import dev.triggerfish.event.NewEvent;
import dev.triggerfish.support.Conflict;
import dev.triggerfish.support.NotFound;
import dev.triggerfish.support.VersionConflict;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** The CRM records, in SQL. Every change is one transaction that returns the state before and after. */
@ApplicationScoped
public class RecordStore {
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };
    private static final String COLUMNS = "type, id, attributes::text as attributes, tags, assigned_to, version, created_at, updated_at,"
            + " external_ids::text as external_ids";

    private final Pool pool;
    private final ObjectMapper json;
    private final EventStore events;

    public RecordStore(Pool pool, ObjectMapper json, EventStore events) {
        this.pool = pool;
        this.json = json;
        this.events = events;
    }

    public Uni<RecordChange> create(String type, RecordInput input) {
        return pool.withTransaction(tx -> create(tx, type, input, ChangeOrigin.API));
    }

    /** Creates a record and its {@code created} event in the transaction of {@code tx}. */
    public Uni<RecordChange> create(SqlClient tx, String type, RecordInput input, ChangeOrigin origin) {
        return tx.preparedQuery("""
                        insert into crm_records (type, id, attributes, tags, assigned_to)
                        values ($1, coalesce($2, nextval('crm_record_ids')::text), $3::text::jsonb, $4, $5)
                        on conflict do nothing returning\s""" + COLUMNS)
                .execute(Tuple.of(type, input.id(), write(input.attributes()), input.tags().toArray(String[]::new), input.assignedTo()))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw new Conflict(type + " " + input.id() + " already exists");
                    }
                    return new RecordChange(null, read(rows.iterator().next()));
                })
                .call(change -> emit(tx, "created", change, origin));
    }

    public Uni<CrmRecord> get(String type, String id) {
        return find(pool, type, id, false)
                .map(record -> {
                    if (record == null) {
                        throw new NotFound(type, id);
                    }
                    return record;
                });
    }

    /** Records of one type, oldest first, with the total. */
    public Uni<RecordPage> list(String type, int page, int perPage) {
        return pool.preparedQuery("select " + COLUMNS + ", count(*) over () as total from crm_records where type = $1"
                        + " order by created_at, id limit $2 offset $3")
                .execute(Tuple.of(type, perPage, (long) (page - 1) * perPage))
                .flatMap(rows -> rows.size() > 0 || page == 1
                        ? Uni.createFrom().item(toPage(rows, page, perPage))
                        : count(type).map(total -> new RecordPage(List.of(), page, perPage, total)));
    }

    /**
     * Replaces the record's state with what {@code change} makes of it, checking the expected version
     * (null: any) under a row lock.
     */
    public Uni<RecordChange> update(String type, String id, Integer expectedVersion, UnaryOperator<RecordInput> change) {
        return pool.withTransaction(tx -> update(tx, type, id, expectedVersion, change, ChangeOrigin.API));
    }

    /** Changes a record and emits its {@code updated} event (unless nothing changed) in the transaction of {@code tx}. */
    public Uni<RecordChange> update(SqlClient tx, String type, String id, Integer expectedVersion, UnaryOperator<RecordInput> change,
                                    ChangeOrigin origin) {
        return find(tx, type, id, true)
                .flatMap(before -> {
                    checkVersion(type, id, before, expectedVersion);
                    RecordInput after = change.apply(new RecordInput(id, before.attributes(), before.tags(), before.assignedTo()));
                    return tx.preparedQuery("""
                                    update crm_records set attributes = $3::text::jsonb, tags = $4, assigned_to = $5,
                                           version = version + 1, updated_at = now()
                                    where type = $1 and id = $2 returning\s""" + COLUMNS)
                            .execute(Tuple.of(type, id, write(after.attributes()), after.tags().toArray(String[]::new), after.assignedTo()))
                            .map(rows -> new RecordChange(before, read(rows.iterator().next())));
                })
                .call(c -> emit(tx, "updated", c, origin));
    }

    public Uni<RecordChange> delete(String type, String id, Integer expectedVersion) {
        return pool.withTransaction(tx -> delete(tx, type, id, expectedVersion, ChangeOrigin.API));
    }

    public Uni<RecordChange> delete(SqlClient tx, String type, String id, Integer expectedVersion, ChangeOrigin origin) {
        return find(tx, type, id, true)
                .flatMap(before -> {
                    checkVersion(type, id, before, expectedVersion);
                    return tx.preparedQuery("delete from crm_records where type = $1 and id = $2")
                            .execute(Tuple.of(type, id))
                            .map(ignored -> new RecordChange(before, null));
                })
                .call(c -> emit(tx, "deleted", c, origin));
    }

    /** The id {@code integration} gave the record ({@code sync_to_external}), or null: not synced there yet, or no such record. */
    public Uni<String> externalId(String type, String id, String integration) {
        return pool.preparedQuery("select external_ids ->> $3 as external_id from crm_records where type = $1 and id = $2")
                .execute(Tuple.of(type, id, integration))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString("external_id"));
    }

    /**
     * Stores the id {@code integration} gave the record. No event and no new version: the record's own
     * state did not change, and a trigger that syncs on every update must not fire again on its own sync.
     * False: the record is gone.
     */
    public Uni<Boolean> linkExternal(String type, String id, String integration, String externalId) {
        return pool.preparedQuery("""
                        update crm_records set external_ids = external_ids || jsonb_build_object($3::text, $4::text)
                        where type = $1 and id = $2""")
                .execute(Tuple.of(type, id, integration, externalId))
                .map(rows -> rows.rowCount() == 1);
    }

    /** The record, read in {@code client}'s transaction (locked when {@code lock}); null when absent. */
    public Uni<CrmRecord> find(SqlClient client, String type, String id, boolean lock) {
        return client.preparedQuery("select " + COLUMNS + " from crm_records where type = $1 and id = $2" + (lock ? " for update" : ""))
                .execute(Tuple.of(type, id))
                .map(rows -> rows.size() == 0 ? null : read(rows.iterator().next()));
    }

    /** The records of {@code keys} ({type, id} pairs) in one query, by {@link #key}; absent ones are not in the map. */
    public Uni<Map<String, CrmRecord>> findAll(SqlClient client, List<String[]> keys) {
        if (keys.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return client.preparedQuery("select " + COLUMNS + " from crm_records where (type, id) in (select * from unnest($1::text[], $2::text[]))")
                .execute(Tuple.of(keys.stream().map(k -> k[0]).toArray(String[]::new), keys.stream().map(k -> k[1]).toArray(String[]::new)))
                .map(rows -> {
                    Map<String, CrmRecord> found = new java.util.HashMap<>();
                    rows.forEach(row -> {
                        CrmRecord record = read(row);
                        found.put(key(record.type(), record.id()), record);
                    });
                    return found;
                });
    }

    /** The key of a record in {@link #findAll}'s answer. */
    public static String key(String type, String id) {
        return type + "\u0000" + id;
    }

    /** The event of a change, in the same transaction; an update that changed nothing emits none. */
    private Uni<List<Long>> emit(SqlClient tx, String kind, RecordChange change, ChangeOrigin origin) {
        Map<String, Object> before = change.before() == null ? null : change.before().toJson();
        Map<String, Object> after = change.after() == null ? null : change.after().toJson();
        if (before != null && after != null && sameState(change.before(), change.after())) {
            return Uni.createFrom().item(List.of());
        }
        CrmRecord any = change.after() != null ? change.after() : change.before();
        return events.append(tx, List.of(NewEvent.change(kind, any.type(), any.id(), before, after, origin.source(),
                origin.chainDepth(), origin.originTriggerId())));
    }

    private static boolean sameState(CrmRecord a, CrmRecord b) {
        return a.attributes().equals(b.attributes()) && a.tags().equals(b.tags()) && java.util.Objects.equals(a.assignedTo(), b.assignedTo());
    }

    /** The records named by (type, id) pairs, for resolving relations; absent ones are left out. */
    public Uni<List<CrmRecord>> findAll(List<String> types, List<String> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return pool.preparedQuery("select " + COLUMNS + " from crm_records"
                        + " where (type, id) in (select * from unnest($1::text[], $2::text[]))")
                .execute(Tuple.of(types.toArray(String[]::new), ids.toArray(String[]::new)))
                .map(rows -> {
                    List<CrmRecord> found = new ArrayList<>();
                    rows.forEach(row -> found.add(read(row)));
                    return found;
                });
    }

    private Uni<Long> count(String type) {
        return pool.preparedQuery("select count(*) from crm_records where type = $1")
                .execute(Tuple.of(type))
                .map(rows -> rows.iterator().next().getLong(0));
    }

    private RecordPage toPage(RowSet<Row> rows, int page, int perPage) {
        List<CrmRecord> records = new ArrayList<>();
        long total = 0;
        for (Row row : rows) {
            records.add(read(row));
            total = row.getLong("total");
        }
        return new RecordPage(records, page, perPage, total);
    }

    private static void checkVersion(String type, String id, CrmRecord current, Integer expected) {
        if (current == null) {
            throw new NotFound(type, id);
        }
        if (expected != null && expected != current.version()) {
            throw VersionConflict.ifMatch(type, id, current.version(), expected);
        }
    }

    /** The columns {@link #read} reads, of the records aliased {@code alias} in a query of the caller's (a slot's scan). */
    public static String columns(String alias) {
        return COLUMNS.replaceAll("(^|, )([a-z_]+)", "$1" + alias + ".$2");
    }

    /** A record from a row of {@link #columns}. */
    public CrmRecord read(Row row) {
        String[] tags = row.getArrayOfStrings("tags");
        return new CrmRecord(row.getString("type"), row.getString("id"), parse(row.getString("attributes")),
                tags == null ? List.of() : Arrays.asList(tags), row.getString("assigned_to"), row.getInteger("version"),
                row.getOffsetDateTime("created_at"), row.getOffsetDateTime("updated_at"), parse(row.getString("external_ids")));
    }

    private Map<String, Object> parse(String text) {
        try {
            return json.readValue(text, MAP);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String write(Map<String, Object> attributes) {
        try {
            return json.writeValueAsString(attributes);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
