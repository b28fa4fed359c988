package dev.triggerfish.template;

import dev.triggerfish.api.Paging;
import dev.triggerfish.audit.AuditLog;
import dev.triggerfish.support.Conflict;
import dev.triggerfish.support.FieldError;
import dev.triggerfish.support.InvalidInput;
import dev.triggerfish.support.NotFound;
import dev.triggerfish.support.VersionConflict;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code message_templates} table. Every change is one transaction with its audit record; a change
 * that names a version (If-Match, or {@code version} in the body) loses cleanly to a concurrent one.
 */
@ApplicationScoped
public class TemplateStore {
    private static final String COLUMNS = "id, name, channel, subject, html_body, text_body, version, created_at, updated_at";

    private final Pool pool;
    private final AuditLog audit;
    private final Secrets secrets;

    public TemplateStore(Pool pool, AuditLog audit, Secrets secrets) {
        this.pool = pool;
        this.audit = audit;
        this.secrets = secrets;
    }

    /** Creates a template, with the id the body asks for or the next free one; 409 when that id is taken. */
    public Uni<MessageTemplate> create(Map<String, Object> body, String actor) {
        TemplateInput input = checked(body);
        return pool.withTransaction(tx -> tx.preparedQuery("""
                        insert into message_templates (id, name, channel, subject, html_body, text_body)
                        values (coalesce($1, nextval(pg_get_serial_sequence('message_templates', 'id'))), $2, $3, $4, $5, $6)
                        on conflict (id) do nothing
                        returning %s""".formatted(COLUMNS))
                .execute(Tuple.from(new Object[] {input.id(), input.name(), input.channel().wireName(), input.subject(), input.htmlBody(),
                        input.textBody()}))
                .map(rows -> {
                    if (rows.rowCount() == 0) {
                        throw new Conflict(input.id() == null
                                ? "the generated id was just taken by a template created with that id; retry"
                                : "template " + input.id() + " already exists");
                    }
                    return read(rows.iterator().next());
                })
                .call(created -> input.id() == null ? Uni.createFrom().voidItem() : keepSequenceAhead(tx))
                .call(created -> audit.record(tx, actor, "created", "template", String.valueOf(created.id()),
                        Map.of("after", created.toJson()))));
    }

    public Uni<MessageTemplate> get(long id) {
        return pool.preparedQuery("select " + COLUMNS + " from message_templates where id = $1").execute(Tuple.of(id))
                .map(rows -> {
                    if (rows.rowCount() == 0) {
                        throw new NotFound("template", id);
                    }
                    return read(rows.iterator().next());
                });
    }

    /** The channel of each of {@code ids} that names a stored template. */
    public Uni<Map<Long, MessageTemplate.Channel>> channels(java.util.Collection<Long> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return pool.preparedQuery("select id, channel from message_templates where id = any($1)")
                .execute(Tuple.of(ids.toArray(Long[]::new)))
                .map(rows -> {
                    Map<Long, MessageTemplate.Channel> found = new java.util.HashMap<>();
                    rows.forEach(row -> found.put(row.getLong("id"), MessageTemplate.Channel.fromWireName(row.getString("channel"))));
                    return found;
                });
    }

    /** The templates, by id, one page at a time; {@code channel} filters when given. */
    public Uni<Map<String, Object>> list(MessageTemplate.Channel channel, Paging paging) {
        String where = channel == null ? "" : " where channel = $3";
        Tuple args = channel == null ? Tuple.of(paging.perPage(), paging.offset()) : Tuple.of(paging.perPage(), paging.offset(), channel.wireName());
        return pool.preparedQuery("select " + COLUMNS + ", count(*) over () as total from message_templates" + where
                        + " order by id limit $1 offset $2")
                .execute(args)
                .flatMap(rows -> rows.rowCount() > 0 || paging.page() == 1
                        ? Uni.createFrom().item(page(rows, paging, rows.rowCount() == 0 ? 0 : rows.iterator().next().getLong("total")))
                        : count(channel).map(total -> page(rows, paging, total)));
    }

    /** PUT: the body is the whole new template. */
    public Uni<MessageTemplate> replace(long id, Map<String, Object> body, Integer ifMatch, String actor) {
        TemplateInput input = checked(body);
        if (input.id() != null && input.id() != id) {
            throw new InvalidInput("template", List.of(new FieldError("id", "is " + input.id() + " but the path names template " + id)));
        }
        return pool.withTransaction(tx -> locked(tx, id, ifMatch, input.version())
                .flatMap(before -> tx.preparedQuery("""
                                update message_templates set name = $2, channel = $3, subject = $4, html_body = $5, text_body = $6,
                                       version = version + 1, updated_at = now()
                                where id = $1 returning %s""".formatted(COLUMNS))
                        .execute(Tuple.from(new Object[] {id, input.name(), input.channel().wireName(), input.subject(), input.htmlBody(),
                                input.textBody()}))
                        .map(rows -> read(rows.iterator().next()))
                        .call(after -> audit.record(tx, actor, "updated", "template", String.valueOf(id), change(before, after)))));
    }

    public Uni<Void> delete(long id, Integer ifMatch, String actor) {
        return pool.withTransaction(tx -> locked(tx, id, ifMatch, null)
                .call(before -> tx.preparedQuery("delete from message_templates where id = $1").execute(Tuple.of(id)))
                .flatMap(before -> audit.record(tx, actor, "deleted", "template", String.valueOf(id), Map.of("before", before.toJson()))));
    }

    private TemplateInput checked(Map<String, Object> body) {
        List<FieldError> errors = new ArrayList<>();
        TemplateInput input = TemplateInput.from(body, secrets::has, errors);
        if (!errors.isEmpty()) {
            throw new InvalidInput("template", errors);
        }
        return input;
    }

    /** The template, row-locked for this transaction, at the version the caller expects. */
    private static Uni<MessageTemplate> locked(SqlClient tx, long id, Integer ifMatch, Integer bodyVersion) {
        return tx.preparedQuery("select " + COLUMNS + " from message_templates where id = $1 for update").execute(Tuple.of(id))
                .map(rows -> {
                    if (rows.rowCount() == 0) {
                        throw new NotFound("template", id);
                    }
                    MessageTemplate current = read(rows.iterator().next());
                    if (ifMatch != null && ifMatch != current.version()) {
                        throw VersionConflict.ifMatch("template", id, current.version(), ifMatch);
                    }
                    if (bodyVersion != null && bodyVersion != current.version()) {
                        throw VersionConflict.inBody("template", id, current.version(), bodyVersion);
                    }
                    return current;
                });
    }

    /** After an insert with a chosen id, the next generated id comes after every id in the table. */
    private static Uni<Void> keepSequenceAhead(SqlClient tx) {
        return tx.query("""
                        select setval(pg_get_serial_sequence('message_templates', 'id'),
                                      greatest((select max(id) from message_templates),
                                               (select last_value from message_templates_id_seq)))""")
                .execute().replaceWithVoid();
    }

    private Uni<Long> count(MessageTemplate.Channel channel) {
        return (channel == null
                ? pool.query("select count(*) from message_templates").execute()
                : pool.preparedQuery("select count(*) from message_templates where channel = $1").execute(Tuple.of(channel.wireName())))
                .map(rows -> rows.iterator().next().getLong(0));
    }

    private static Map<String, Object> page(RowSet<Row> rows, Paging paging, long total) {
        List<Map<String, Object>> data = new ArrayList<>();
        rows.forEach(row -> data.add(read(row).toJson()));
        return Paging.body(data, paging.page(), paging.perPage(), total);
    }

    private static Map<String, Object> change(MessageTemplate before, MessageTemplate after) {
        Map<String, Object> change = new LinkedHashMap<>();
        change.put("before", before.toJson());
        change.put("after", after.toJson());
        return change;
    }

    static MessageTemplate read(Row row) {
        return new MessageTemplate(row.getLong("id"), row.getString("name"), MessageTemplate.Channel.fromWireName(row.getString("channel")),
                row.getString("subject"), row.getString("html_body"), row.getString("text_body"), row.getInteger("version"),
                row.getOffsetDateTime("created_at"), row.getOffsetDateTime("updated_at"));
    }
}
