package dev.triggerfish.schedule;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The slots of time_based triggers, in SQL (V12). A slot is claimed by one replica at a time: a
 * conditional update on a row selected {@code FOR UPDATE SKIP LOCKED}, due or with an expired lease;
 * every later write tests the claim ({@code claimed_by}, set exactly while running: a check constraint),
 * so a replica that lost its slot changes nothing. Leases run on the database's clock.
 */
@ApplicationScoped
public class SlotStore {
    private static final String CLAIM = """
            with due as (
                select id from schedule_slots
                where status = %s and slot_at <= $3 and ($4::bigint[] is null or trigger_id = any($4))
                order by slot_at
                for update skip locked
                limit 1),
            expired as (
                select id from schedule_slots
                where status = %s and lease_until < now() and ($4::bigint[] is null or trigger_id = any($4))
                for update skip locked
                limit 1)
            update schedule_slots s set status = $5, claimed_by = $1, lease_until = now() + make_interval(secs => $2),
                   started_at = coalesce(started_at, now())
            where s.id = (select id from expired union all select id from due limit 1)
            returning s.id, s.trigger_id, s.slot_at, s.origin, s.after_type, s.after_id"""
            .formatted(SlotStatus.DUE.sqlLiteral(), SlotStatus.RUNNING.sqlLiteral());

    private final Pool pool;
    private final SlotMetrics metrics;

    public SlotStore(Pool pool, SlotMetrics metrics) {
        this.pool = pool;
        this.metrics = metrics;
    }

    /** A time_based trigger as planning reads it: its schedule settings and the last slot planned for it. */
    public record Plannable(long id, int version, String schedule, String timezone, String catchUp, Instant lastPlanned, Instant createdAt) {
    }

    /** The active time_based triggers (only those of {@code only}, unless null), each with the last slot its schedule planned. */
    public Uni<List<Plannable>> plannable(Long[] only) {
        return pool.preparedQuery("""
                        select t.id, t.version, t.created_at,
                               t.definition -> 'action_configuration' ->> 'schedule' as schedule,
                               t.definition -> 'action_configuration' ->> 'timezone' as timezone,
                               t.definition -> 'action_configuration' ->> 'catch_up' as catch_up,
                               (select max(s.slot_at) from schedule_slots s where s.trigger_id = t.id and s.origin = 'schedule') as last_planned
                        from event_triggers t
                        where t.trigger_type = 'time_based' and t.is_active and ($1::bigint[] is null or t.id = any($1))""")
                .execute(Tuple.of(only))
                .map(rows -> {
                    List<Plannable> out = new ArrayList<>();
                    for (Row r : rows) {
                        OffsetDateTime last = r.getOffsetDateTime("last_planned");
                        out.add(new Plannable(r.getLong("id"), r.getInteger("version"), r.getString("schedule"), r.getString("timezone"),
                                r.getString("catch_up"), last == null ? null : last.toInstant(), r.getOffsetDateTime("created_at").toInstant()));
                    }
                    return out;
                });
    }

    /** Records planned slots of one trigger; a slot already recorded (by another replica, or a backfill) is kept as it is. Answers how many are new. */
    public Uni<Integer> insert(long triggerId, int version, String origin, List<SlotPlan.Planned> slots) {
        if (slots.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        int n = slots.size();
        OffsetDateTime[] at = new OffsetDateTime[n];
        String[] statuses = new String[n];
        String[] reasons = new String[n];
        for (int i = 0; i < n; i++) {
            SlotPlan.Planned p = slots.get(i);
            if (!SlotStatus.INITIAL.contains(p.status())) {
                throw new IllegalArgumentException("a slot is not planned " + p.status().wireName());
            }
            at[i] = OffsetDateTime.ofInstant(p.slotAt(), ZoneOffset.UTC);
            statuses[i] = p.status().wireName();
            reasons[i] = p.reason();
        }
        return pool.preparedQuery("""
                        with inserted as (
                            insert into schedule_slots (trigger_id, trigger_version, slot_at, origin, status, reason, completed_at)
                            select $1, $2, a, $3, s, r, case when s = $7 then now() end
                            from unnest($4::timestamptz[], $5::text[], $6::text[]) as x(a, s, r)
                            on conflict (trigger_id, slot_at) do nothing
                            returning status)
                        select count(*) as n, count(*) filter (where status = $7) as skipped from inserted""")
                .execute(Tuple.from(new Object[] {triggerId, version, origin, at, statuses, reasons, SlotStatus.SKIPPED.wireName()}))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    for (long i = row.getLong("skipped"); i > 0; i--) {
                        metrics.skipped(); // recorded skipped (a missed slot catch_up does not run): counted once, by the replica whose row it is
                    }
                    return row.getLong("n").intValue();
                });
    }

    /** Claims one slot due by {@code now} (or one whose claim expired) for {@code owner}; null when there is none. */
    public Uni<ClaimedSlot> claim(String owner, Duration lease, Instant now, Long[] only) {
        return pool.preparedQuery(CLAIM)
                .execute(Tuple.from(new Object[] {owner, lease.toMillis() / 1000.0, OffsetDateTime.ofInstant(now, ZoneOffset.UTC), only,
                        SlotStatus.RUNNING.wireName()}))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return null;
                    }
                    Row r = rows.iterator().next();
                    return new ClaimedSlot(r.getLong("id"), r.getLong("trigger_id"), r.getOffsetDateTime("slot_at").toInstant(),
                            r.getString("origin"), r.getString("after_type"), r.getString("after_id"));
                });
    }

    /**
     * Moves the checkpoint past a page and adds its counts, renewing the claim, in the page's transaction
     * {@code tx}; fails with {@link LostSlot} (rolling the page back) when {@code owner} no longer holds the slot.
     */
    public Uni<Void> checkpoint(SqlClient tx, String owner, ClaimedSlot slot, String afterType, String afterId, PageCounts counts, Duration lease) {
        return tx.preparedQuery("""
                        update schedule_slots set after_type = $3, after_id = $4, scanned = scanned + $5, matched = matched + $6,
                               created = created + $7, skipped_overlap = skipped_overlap + $8, pages = pages + 1, find_ms = find_ms + $10,
                               lease_until = now() + make_interval(secs => $9)
                        where id = $1 and claimed_by = $2""")
                .execute(Tuple.from(new Object[] {slot.id(), owner, afterType, afterId, counts.scanned(), counts.matched(), counts.created(),
                        counts.skippedOverlap(), lease.toMillis() / 1000.0, counts.findMillis()}))
                .map(rows -> {
                    if (rows.rowCount() == 0) {
                        throw new LostSlot(slot.id());
                    }
                    return null;
                });
    }

    /** Ends a slot {@code owner} holds (completed, skipped or failed, with the reason); false when the claim was lost. */
    public Uni<Boolean> finish(String owner, long slotId, SlotStatus status, String reason) {
        SlotStatus.checkTransition(SlotStatus.RUNNING, status);
        return pool.preparedQuery("""
                        update schedule_slots set status = $3, reason = $4, claimed_by = null, lease_until = null, completed_at = now()
                        where id = $1 and claimed_by = $2""")
                .execute(Tuple.of(slotId, owner, status.wireName(), reason))
                .map(rows -> rows.rowCount() == 1);
    }

    /** A trigger's slots, latest first, as the run summaries of {@code GET /api/event-triggers/{id}/runs}. */
    public Uni<List<Map<String, Object>>> runs(long triggerId, int limit) {
        return pool.preparedQuery("""
                        select id, slot_at, origin, status, reason, scanned, matched, created, skipped_overlap, pages, find_ms, started_at, completed_at,
                               (extract(epoch from completed_at - started_at) * 1000)::bigint as duration_ms
                        from schedule_slots where trigger_id = $1 order by slot_at desc limit $2""")
                .execute(Tuple.of(triggerId, limit))
                .map(rows -> {
                    List<Map<String, Object>> out = new ArrayList<>();
                    for (Row r : rows) {
                        Map<String, Object> run = new LinkedHashMap<>();
                        run.put("id", r.getLong("id"));
                        run.put("slot_at", r.getOffsetDateTime("slot_at").toInstant().toString());
                        run.put("origin", r.getString("origin"));
                        run.put("status", r.getString("status"));
                        run.put("reason", r.getString("reason"));
                        run.put("records_scanned", r.getLong("scanned"));
                        run.put("matched", r.getLong("matched"));
                        run.put("executions_created", r.getLong("created"));
                        run.put("skipped_overlap", r.getLong("skipped_overlap"));
                        run.put("pages", r.getInteger("pages"));
                        run.put("find_ms", r.getLong("find_ms"));
                        run.put("started_at", time(r.getOffsetDateTime("started_at")));
                        run.put("completed_at", time(r.getOffsetDateTime("completed_at")));
                        run.put("duration_ms", r.getLong("duration_ms"));
                        out.add(run);
                    }
                    return out;
                });
    }

    private static String time(OffsetDateTime t) {
        return t == null ? null : t.toInstant().toString();
    }
}
