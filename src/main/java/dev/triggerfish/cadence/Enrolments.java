package dev.triggerfish.cadence;

import dev.triggerfish.api.Paging;
import dev.triggerfish.audit.AuditLog;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code cadence_enrolments} table, in SQL. An enrolment moves on only by a conditional update on
 * the step it was at ({@code status = 'active' and next_step = $n}), so two replicas cannot both run a
 * step; the due scan takes rows with {@code for update skip locked}.
 */
@ApplicationScoped
public class Enrolments {
    private static final String COLUMNS = "id, cadence_id, entity_type, entity_id, trigger_id, execution_id, step_index, chain_depth,"
            + " status, next_step, next_at, end_reason, enrolled_at, ended_at";
    private static final String ACTIVE = EnrolmentStatus.ACTIVE.wireName();

    /** An enrolment as the enrolling step sees it: new ({@code created}) or the active one found. */
    public record Enrolled(long id, boolean created, int nextStep, OffsetDateTime nextAt) {
    }

    /** A due enrolment, taken for this transaction. */
    public record DueEnrolment(long id, long cadenceId, String entityType, String entityId, long triggerId, int chainDepth, int step) {
    }

    private final Pool pool;
    private final AuditLog audit;

    public Enrolments(Pool pool, AuditLog audit) {
        this.pool = pool;
        this.audit = audit;
    }

    /**
     * Enrols a record in {@code tx}, its {@code step} due {@code delaySeconds} from now (the database's
     * clock); a record already active in the cadence keeps its enrolment (the unique partial index).
     */
    public Uni<Enrolled> enrol(SqlClient tx, long cadenceId, String entityType, String entityId, long triggerId, long executionId,
                               int stepIndex, int chainDepth, int step, double delaySeconds) {
        return tx.preparedQuery("""
                        insert into cadence_enrolments (cadence_id, entity_type, entity_id, trigger_id, execution_id, step_index, chain_depth,
                                                        status, next_step, next_at)
                        values ($1, $2, $3, $4, $5, $6, $7, $8, $9, now() + make_interval(secs => $10))
                        on conflict (cadence_id, entity_type, entity_id) where status = 'active' do nothing
                        returning id, next_step, next_at""")
                .execute(Tuple.from(new Object[] {cadenceId, entityType, entityId, triggerId, executionId, stepIndex, chainDepth, ACTIVE, step,
                        delaySeconds}))
                .flatMap(rows -> rows.rowCount() == 1
                        ? Uni.createFrom().item(enrolled(rows.iterator().next(), true))
                        : tx.preparedQuery("""
                                        select id, next_step, next_at from cadence_enrolments
                                        where cadence_id = $1 and entity_type = $2 and entity_id = $3 and status = 'active'""")
                                .execute(Tuple.of(cadenceId, entityType, entityId))
                                .map(found -> enrolled(found.iterator().next(), false)));
    }

    private static Enrolled enrolled(Row row, boolean created) {
        return new Enrolled(row.getLong("id"), created, row.getInteger("next_step"), row.getOffsetDateTime("next_at"));
    }

    /**
     * Takes up to {@code limit} active enrolments due at {@code at} (null: the database's clock, the
     * authority in production; a test passes its own instant) for this transaction, oldest due first.
     */
    public Uni<List<DueEnrolment>> takeDue(SqlClient tx, OffsetDateTime at, int limit) {
        return tx.preparedQuery("""
                        select id, cadence_id, entity_type, entity_id, trigger_id, chain_depth, next_step from cadence_enrolments
                        where status = 'active' and next_at <= coalesce($1, now())
                        order by next_at
                        for update skip locked
                        limit $2""")
                .execute(Tuple.of(at, limit))
                .map(rows -> {
                    List<DueEnrolment> due = new ArrayList<>();
                    rows.forEach(r -> due.add(new DueEnrolment(r.getLong("id"), r.getLong("cadence_id"), r.getString("entity_type"),
                            r.getString("entity_id"), r.getLong("trigger_id"), r.getInteger("chain_depth"), r.getInteger("next_step"))));
                    return due;
                });
    }

    /**
     * Moves an enrolment on from {@code step}: to {@code nextStep}, due {@code delaySeconds} after
     * {@code at} (null: the database's clock), or to its end with the reason. False: it was not at that step.
     */
    public Uni<Boolean> moveOn(SqlClient tx, long id, int step, EnrolmentStatus status, Integer nextStep, OffsetDateTime at,
                               Double delaySeconds, String reason) {
        EnrolmentStatus.ACTIVE.checkTransition(status);
        boolean active = status == EnrolmentStatus.ACTIVE;
        return tx.preparedQuery("""
                        update cadence_enrolments set status = $3, next_step = $4,
                               next_at = case when $4::int is null then null else coalesce($5, now()) + make_interval(secs => $6) end,
                               end_reason = $7, ended_at = case when $3 = 'active' then null else now() end
                        where id = $1 and status = 'active' and next_step = $2""")
                .execute(Tuple.from(new Object[] {id, step, status.wireName(), active ? nextStep : null, at, active ? delaySeconds : 0.0,
                        reason}))
                .map(rows -> rows.rowCount() == 1);
    }

    /**
     * Ends enrolment {@code id} of cadence {@code cadenceId} for {@code actor} when active, with its audit
     * record; answers it as it is then, or null when there is none.
     */
    public Uni<Map<String, Object>> cancel(long cadenceId, long id, String actor) {
        return pool.withTransaction(tx -> tx.preparedQuery("""
                                update cadence_enrolments set status = $3, next_step = null, next_at = null, end_reason = $4, ended_at = now()
                                where id = $1 and cadence_id = $2 and status = 'active'""")
                        .execute(Tuple.of(id, cadenceId, EnrolmentStatus.ACTIVE.checkTransition(EnrolmentStatus.CANCELLED).wireName(),
                                "ended by " + actor))
                        .flatMap(ended -> tx.preparedQuery("select " + COLUMNS + " from cadence_enrolments where id = $1 and cadence_id = $2")
                                .execute(Tuple.of(id, cadenceId))
                                .map(rows -> rows.rowCount() == 0 ? null : json(rows.iterator().next()))
                                .call(enrolment -> enrolment == null || ended.rowCount() == 0 ? Uni.createFrom().voidItem()
                                        : audit.record(tx, actor, "ended", "enrolment", String.valueOf(id), Map.of("after", enrolment)))));
    }

    /** Ends every active enrolment of a cadence, in {@code tx}. */
    public Uni<Integer> endAll(SqlClient tx, long cadenceId, String reason) {
        return tx.preparedQuery("""
                        update cadence_enrolments set status = $2, next_step = null, next_at = null, end_reason = $3, ended_at = now()
                        where cadence_id = $1 and status = 'active'""")
                .execute(Tuple.of(cadenceId, EnrolmentStatus.ACTIVE.checkTransition(EnrolmentStatus.CANCELLED).wireName(), reason))
                .map(rows -> rows.rowCount());
    }

    /** A cadence's enrolments, newest first, each with the executions of its steps; {@code status} filters when given. */
    public Uni<Map<String, Object>> list(long cadenceId, EnrolmentStatus status, Paging paging) {
        return pool.preparedQuery("""
                        select %s, count(*) over () as total,
                               (select coalesce(jsonb_agg(jsonb_build_object('step', x.cadence_step, 'execution_id', x.id, 'status', x.status)
                                                          order by x.cadence_step), '[]'::jsonb)::text
                                from trigger_executions x where x.cadence_enrolment_id = cadence_enrolments.id) as executions
                        from cadence_enrolments where cadence_id = $1 and ($2::text is null or status = $2)
                        order by id desc limit $3 offset $4""".formatted(COLUMNS))
                .execute(Tuple.of(cadenceId, status == null ? null : status.wireName(), paging.perPage(), paging.offset()))
                .map(rows -> {
                    List<Map<String, Object>> data = new ArrayList<>();
                    long total = 0;
                    for (Row row : rows) {
                        Map<String, Object> e = json(row);
                        e.put("executions", dev.triggerfish.support.JsonText.read(row.getString("executions")));
                        data.add(e);
                        total = row.getLong("total");
                    }
                    return Paging.body(data, paging.page(), paging.perPage(), total);
                });
    }

    private static Map<String, Object> json(Row row) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("id", row.getLong("id"));
        e.put("cadence_id", row.getLong("cadence_id"));
        e.put("entity_type", row.getString("entity_type"));
        e.put("entity_id", row.getString("entity_id"));
        e.put("status", row.getString("status"));
        e.put("next_step", row.getInteger("next_step"));
        e.put("next_at", text(row.getOffsetDateTime("next_at")));
        e.put("end_reason", row.getString("end_reason"));
        e.put("trigger_id", row.getLong("trigger_id"));
        Map<String, Object> by = new LinkedHashMap<>();
        by.put("execution_id", row.getLong("execution_id"));
        by.put("step_index", row.getInteger("step_index"));
        e.put("enrolled_by", by); // the add_to_cadence step
        e.put("enrolled_at", text(row.getOffsetDateTime("enrolled_at")));
        e.put("ended_at", text(row.getOffsetDateTime("ended_at")));
        return e;
    }

    private static String text(OffsetDateTime time) {
        return time == null ? null : time.toString();
    }
}
