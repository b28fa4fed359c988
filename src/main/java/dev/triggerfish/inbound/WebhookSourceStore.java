package dev.triggerfish.inbound;

import dev.triggerfish.audit.AuditLog;
import dev.triggerfish.support.Conflict;
import dev.triggerfish.support.JsonText;
import dev.triggerfish.support.NotFound;
import dev.triggerfish.support.VersionConflict;
import dev.triggerfish.template.Secrets;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The {@code webhook_sources} table: each change one transaction with its audit entry. */
@ApplicationScoped
public class WebhookSourceStore implements dev.triggerfish.trigger.WebhookSourceNames {
    private static final String COLUMNS = "name, description, verification, signing_secret, previous_secret, shared_secret_header,"
            + " record::text as record, version, created_at, updated_at";

    private final Pool pool;
    private final AuditLog audit;
    private final Secrets secrets;

    public WebhookSourceStore(Pool pool, AuditLog audit, Secrets secrets) {
        this.pool = pool;
        this.audit = audit;
        this.secrets = secrets;
    }

    /** Creates a source; 409 when its name is taken. */
    public Uni<WebhookSource> create(Map<String, Object> body, String actor) {
        WebhookSource input = WebhookSource.from(body, null, secrets.values()::get);
        return pool.withTransaction(tx -> tx.preparedQuery("""
                        insert into webhook_sources (name, description, verification, signing_secret, previous_secret, shared_secret_header, record)
                        values ($1, $2, $3, $4, $5, $6, $7::text::jsonb)
                        on conflict (name) do nothing
                        returning\s""" + COLUMNS)
                .execute(values(input))
                .map(rows -> {
                    if (rows.rowCount() == 0) {
                        throw new Conflict("webhook source '" + input.name() + "' already exists");
                    }
                    return read(rows.iterator().next());
                })
                .call(created -> audit.record(tx, actor, "created", "webhook_source", created.name(), Map.of("after", created.toJson()))));
    }

    /** The source named {@code name}, or null. */
    public Uni<WebhookSource> find(String name) {
        return pool.preparedQuery("select " + COLUMNS + " from webhook_sources where name = $1").execute(Tuple.of(name))
                .map(rows -> rows.rowCount() == 0 ? null : read(rows.iterator().next()));
    }

    @Override
    public Uni<Boolean> exists(String name) {
        return find(name).map(java.util.Objects::nonNull);
    }

    public Uni<WebhookSource> get(String name) {
        return find(name).onItem().ifNull().failWith(() -> new NotFound("webhook source", name));
    }

    public Uni<List<WebhookSource>> list() {
        return pool.query("select " + COLUMNS + " from webhook_sources order by name").execute()
                .map(rows -> {
                    List<WebhookSource> all = new ArrayList<>();
                    rows.forEach(row -> all.add(read(row)));
                    return all;
                });
    }

    /** PUT: the body is the whole new source (to rotate: the new secret in {@code secret}, the old in {@code previous_secret}). */
    public Uni<WebhookSource> replace(String name, Map<String, Object> body, Integer ifMatch, String actor) {
        WebhookSource input = WebhookSource.from(body, name, secrets.values()::get);
        return pool.withTransaction(tx -> locked(tx, name, ifMatch)
                .flatMap(before -> tx.preparedQuery("""
                                update webhook_sources set description = $2, verification = $3, signing_secret = $4, previous_secret = $5,
                                       shared_secret_header = $6, record = $7::text::jsonb, version = version + 1, updated_at = now()
                                where name = $1 returning\s""" + COLUMNS)
                        .execute(values(input))
                        .map(rows -> read(rows.iterator().next()))
                        .call(after -> audit.record(tx, actor, "updated", "webhook_source", name,
                                Map.of("before", before.toJson(), "after", after.toJson())))));
    }

    public Uni<Void> delete(String name, Integer ifMatch, String actor) {
        return pool.withTransaction(tx -> locked(tx, name, ifMatch)
                .call(before -> tx.preparedQuery("delete from webhook_sources where name = $1").execute(Tuple.of(name)))
                .flatMap(before -> audit.record(tx, actor, "deleted", "webhook_source", name, Map.of("before", before.toJson()))));
    }

    private static Uni<WebhookSource> locked(SqlClient tx, String name, Integer ifMatch) {
        return tx.preparedQuery("select " + COLUMNS + " from webhook_sources where name = $1 for update").execute(Tuple.of(name))
                .map(rows -> {
                    if (rows.rowCount() == 0) {
                        throw new NotFound("webhook source", name);
                    }
                    WebhookSource current = read(rows.iterator().next());
                    if (ifMatch != null && ifMatch != current.version()) {
                        throw VersionConflict.ifMatch("webhook source", name, current.version(), ifMatch);
                    }
                    return current;
                });
    }

    private static Tuple values(WebhookSource s) {
        return Tuple.from(new Object[] {s.name(), s.description(), s.verification().wire(), s.secret(), s.previousSecret(),
                s.sharedSecretHeader(), JsonText.write(s.record().toJson())});
    }

    private static WebhookSource read(Row row) {
        List<dev.triggerfish.support.FieldError> errors = new ArrayList<>();
        RecordRule rule = RecordRule.read(JsonText.readObject(row.getString("record")), errors);
        WebhookSource.Verification verification = "shared_secret".equals(row.getString("verification"))
                ? WebhookSource.Verification.SHARED_SECRET : WebhookSource.Verification.SIGNATURE;
        return new WebhookSource(row.getString("name"), row.getString("description"), verification, row.getString("signing_secret"),
                row.getString("previous_secret"), row.getString("shared_secret_header"), rule, row.getInteger("version"),
                row.getOffsetDateTime("created_at"), row.getOffsetDateTime("updated_at"));
    }
}
