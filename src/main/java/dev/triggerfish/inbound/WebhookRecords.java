package dev.triggerfish.inbound;

import dev.triggerfish.crm.ChangeOrigin;
import dev.triggerfish.crm.RecordInput;
import dev.triggerfish.crm.RecordStore;
import dev.triggerfish.inbound.RecordRule.Naming;
import dev.triggerfish.support.JsonText;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the CRM record a delivery concerns, in the transaction that stores its event, and creates it
 * there when the source says so; record actions of the triggers it fires then change that record.
 */
@ApplicationScoped
public class WebhookRecords {
    /** The event's type when a delivery concerns no record and its source names no model type. */
    static final String NO_RECORD_TYPE = "webhook";
    /** A record created for a delivery emits its {@code created} event from this source. */
    static final ChangeOrigin ORIGIN = new ChangeOrigin("webhook", 0, null);

    private final RecordStore records;

    public WebhookRecords(RecordStore records) {
        this.records = records;
    }

    /**
     * The record a delivery concerns.
     *
     * @param how named (the payload's type and id), found (by the lookup), created, or none
     */
    public record Concerned(String type, String id, String how) {
        Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("type", type);
            json.put("id", id);
            json.put("how", how);
            return json;
        }
    }

    Uni<Concerned> resolve(SqlClient tx, RecordRule rule, Naming naming) {
        boolean create = rule.whenMissing() == RecordRule.WhenMissing.CREATE;
        if (naming instanceof Naming.ById byId) {
            return serialised(tx, create, byId.type() + ":" + byId.id())
                    .flatMap(ignored -> records.find(tx, byId.type(), byId.id(), false))
                    .flatMap(found -> found != null
                            ? Uni.createFrom().item(new Concerned(byId.type(), byId.id(), "named"))
                            : missing(tx, rule, byId.type(), byId.id(), Map.of()));
        }
        if (naming instanceof Naming.ByLookup lookup) {
            String attributes = JsonText.write(lookup.attributes());
            return serialised(tx, create, lookup.type() + ":" + attributes)
                    // served by the GIN index on attributes; the oldest record wins when several match
                    .flatMap(ignored -> tx.preparedQuery("""
                                    select id from crm_records where type = $1 and attributes @> $2::text::jsonb
                                    order by created_at, id limit 1""")
                            .execute(Tuple.of(lookup.type(), attributes)))
                    .flatMap(rows -> rows.rowCount() > 0
                            ? Uni.createFrom().item(new Concerned(lookup.type(), rows.iterator().next().getString("id"), "found"))
                            : missing(tx, rule, lookup.type(), null, lookup.attributes()));
        }
        return Uni.createFrom().item(new Concerned(rule.modelKey() == null ? NO_RECORD_TYPE : rule.modelKey(), null, "none"));
    }

    /** No record: created with what the payload named it by, or none (record actions then fail their step, saying why). */
    private Uni<Concerned> missing(SqlClient tx, RecordRule rule, String type, String id, Map<String, Object> attributes) {
        if (rule.whenMissing() == RecordRule.WhenMissing.RUN_WITHOUT) {
            return Uni.createFrom().item(new Concerned(type, null, "none"));
        }
        return records.create(tx, type, new RecordInput(id, new LinkedHashMap<>(attributes), List.of(), null), ORIGIN)
                .map(change -> new Concerned(type, change.after().id(), "created"));
    }

    /** Two deliveries that would create the same record wait for each other, so only the first creates it. */
    private static Uni<Void> serialised(SqlClient tx, boolean create, String key) {
        return create
                ? tx.preparedQuery("select pg_advisory_xact_lock(hashtextextended($1, 0))").execute(Tuple.of(key)).replaceWithVoid()
                : Uni.createFrom().voidItem();
    }
}
