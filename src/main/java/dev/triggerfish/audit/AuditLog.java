package dev.triggerfish.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.triggerfish.api.Paging;
import dev.triggerfish.support.JsonText;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.hibernate.reactive.mutiny.Mutiny;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The audit trail: who (which API key) created, changed, activated, deactivated, deleted or revoked a
 * trigger, capture, user or key, when, and the change. Every entry is written in the transaction of
 * the change it records, so there is no change without its entry and no entry without its change.
 */
@ApplicationScoped
public class AuditLog {
    private static final String INSERT = "insert into audit_log (actor, action, entity_type, entity_id, change) values ($1, $2, $3, $4, $5::text::jsonb)";

    private final Pool pool;
    private final ObjectMapper json;

    public AuditLog(Pool pool, ObjectMapper json) {
        this.pool = pool;
        this.json = json;
    }

    /** The change as JSON text, dates as ISO-8601 (the API's own mapper). */
    private String write(Object change) {
        try {
            return json.writeValueAsString(change);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("an audit entry must be JSON", e);
        }
    }

    /** Records a change made through the SQL client, in its transaction {@code tx}. */
    public Uni<Void> record(SqlClient tx, String actor, String action, String entityType, String entityId, Object change) {
        return tx.preparedQuery(INSERT)
                .execute(Tuple.of(actor, action, entityType, entityId, write(change)))
                .replaceWithVoid();
    }

    /** Records a change made through Hibernate Reactive, in the session's transaction. */
    public Uni<Void> record(Mutiny.Session session, String actor, String action, String entityType, String entityId, Object change) {
        return session.createNativeQuery("insert into audit_log (actor, action, entity_type, entity_id, change) values (?1, ?2, ?3, ?4, cast(cast(?5 as text) as jsonb))")
                .setParameter(1, actor)
                .setParameter(2, action)
                .setParameter(3, entityType)
                .setParameter(4, entityId)
                .setParameter(5, write(change))
                .executeUpdate()
                .replaceWithVoid();
    }

    /** Entries, newest first, filtered by what is given. */
    public Uni<Map<String, Object>> list(AuditFilter filter, Paging paging) {
        String where = """
                where ($1::text is null or entity_type = $1) and ($2::text is null or entity_id = $2)
                  and ($3::text is null or actor = $3) and ($4::text is null or action = $4)
                  and ($5::timestamptz is null or at >= $5) and ($6::timestamptz is null or at < $6)""";
        List<Object> values = Arrays.asList(filter.entityType(), filter.entityId(), filter.actor(), filter.action(), filter.since(), filter.until());
        Tuple params = Tuple.from(values);
        List<Object> paged = new ArrayList<>(values);
        paged.add(paging.perPage());
        paged.add((long) paging.offset());
        Tuple page = Tuple.from(paged);
        Uni<Long> total = pool.preparedQuery("select count(*) from audit_log " + where).execute(params)
                .map(rows -> rows.iterator().next().getLong(0));
        Uni<List<Map<String, Object>>> data = pool.preparedQuery("select id, at, actor, action, entity_type, entity_id, change::text as change from audit_log "
                        + where + " order by id desc limit $7 offset $8")
                .execute(page)
                .map(rows -> {
                    List<Map<String, Object>> out = new ArrayList<>();
                    rows.forEach(row -> out.add(json(row)));
                    return out;
                });
        return Uni.combine().all().unis(data, total).asTuple()
                .map(t -> Paging.body(t.getItem1(), paging.page(), paging.perPage(), t.getItem2()));
    }

    private static Map<String, Object> json(Row row) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", row.getLong("id"));
        OffsetDateTime at = row.getOffsetDateTime("at");
        out.put("at", at == null ? null : at.toString());
        out.put("actor", row.getString("actor"));
        out.put("action", row.getString("action"));
        out.put("entity_type", row.getString("entity_type"));
        out.put("entity_id", row.getString("entity_id"));
        out.put("change", JsonText.read(row.getString("change")));
        return out;
    }
}
