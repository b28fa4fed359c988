package dev.triggerfish.schedule;

import dev.triggerfish.condition.CompiledCondition;
import dev.triggerfish.condition.ConditionSql;
import dev.triggerfish.condition.RelationResolver;
import dev.triggerfish.condition.SqlPredicate;
import dev.triggerfish.crm.CrmRecord;
import dev.triggerfish.crm.RecordRelations;
import dev.triggerfish.crm.RecordStore;
import dev.triggerfish.dispatch.RateLimiter;
import dev.triggerfish.event.EventStore;
import dev.triggerfish.event.NewEvent;
import dev.triggerfish.execution.ExecutionStatus;
import dev.triggerfish.execution.ExecutionStore;
import dev.triggerfish.execution.NewExecution;
import dev.triggerfish.execution.Runner;
import dev.triggerfish.trigger.TriggerSnapshot;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.Multi;
import io.vertx.mutiny.sqlclient.Cursor;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A slot's scan: the records after the checkpoint that the trigger's conditions select (pushed down
 * to SQL as they hold at the slot's time, the rows SQL cannot decide rechecked in memory), in (type, id)
 * order, a page at a time (never all records in memory); per page, in one transaction, an event and an
 * execution per matching record and the checkpoint moved past the page.
 *
 * <p>Which records: those of the trigger's {@code model_type}, or, when it names none (as the spec's
 * two time-based examples), records of every type: {@code stage in [...]} and {@code stage not_in [...]}
 * are false for a record without a stage, so the two examples find deals only.
 */
@ApplicationScoped
public class SlotScan {
    public static final String SOURCE = "schedule";
    public static final String KIND = "scheduled";
    private static final Set<ExecutionStatus> UNFINISHED = EnumSet.complementOf(EnumSet.copyOf(ExecutionStatus.ENDED));

    private final Pool pool;
    private final RecordStore records;
    private final RecordRelations relations;
    private final EventStore events;
    private final ExecutionStore executions;
    private final RateLimiter rateLimiter;
    private final ScheduleConfig config;
    private final SlotStore slots;
    private final Runner runner;

    public SlotScan(SlotStore slots, Runner runner, Pool pool, RecordStore records, RecordRelations relations, EventStore events, ExecutionStore executions,
                    RateLimiter rateLimiter, ScheduleConfig config) {
        this.slots = slots;
        this.runner = runner;
        this.pool = pool;
        this.records = records;
        this.relations = relations;
        this.events = events;
        this.executions = executions;
        this.rateLimiter = rateLimiter;
        this.config = config;
    }

    /**
     * Scans from {@code slot}'s checkpoint, committing page after page, and stops at the end or after
     * {@code maxPages} pages. Answers the slot at its last checkpoint, or null when the scan is done.
     * The matches are read through one cursor, in a read-only transaction of their own, planned for the
     * whole result ({@code cursor_tuple_fraction = 1}: one scan and a sort, rather than a walk of the
     * primary key that the planner picks for a cursor's first rows); the checkpoint still orders by
     * (type, id), so a replica that takes the slot over opens a cursor after the last committed page.
     */
    public Uni<ClaimedSlot> scan(String owner, ClaimedSlot slot, TriggerSnapshot trigger, int maxPages) {
        SqlPredicate predicate = ConditionSql.compile(trigger.compiled().condition(), slot.slotAt(), RecordRelations.TYPES);
        StringBuilder sql = new StringBuilder();
        Tuple parameters = query(predicate, slot, trigger.compiled().modelKey(), sql);
        return pool.withTransaction(conn -> conn.query("set transaction read only").execute()
                .flatMap(ignored -> conn.query("set local cursor_tuple_fraction = 1").execute())
                .flatMap(ignored -> conn.prepare(sql.toString()))
                .flatMap(statement -> pages(owner, statement.cursor(parameters), predicate.exact(), slot, trigger, maxPages)));
    }

    private Uni<ClaimedSlot> pages(String owner, Cursor cursor, boolean exact, ClaimedSlot start, TriggerSnapshot trigger, int maxPages) {
        AtomicReference<ClaimedSlot> position = new AtomicReference<>(start);
        AtomicInteger pages = new AtomicInteger();
        AtomicBoolean done = new AtomicBoolean();
        // one page after the other; the stream ends after the last page, or after maxPages
        return Multi.createBy().repeating()
                .uni(() -> page(owner, cursor, exact, position.get(), trigger)
                        .map(next -> {
                            if (next == null) {
                                done.set(true);
                            } else {
                                position.set(next);
                            }
                            return done.get() || pages.incrementAndGet() >= maxPages;
                        }))
                .until(stop -> stop)
                .collect().last()
                .map(ignored -> done.get() ? null : position.get());
    }

    /**
     * Reads and commits the next page; answers the slot past it, or null when the cursor is done. With
     * {@code exact} conditions (SQL decides every row) the rows carry no recheck column and nothing is evaluated in memory.
     */
    private Uni<ClaimedSlot> page(String owner, Cursor cursor, boolean exact, ClaimedSlot slot, TriggerSnapshot trigger) {
        CompiledCondition condition = trigger.compiled().condition();
        long started = System.nanoTime();
        return cursor.read(config.pageSize())
                .map(rows -> candidates(rows, exact))
                .flatMap(rows -> matching(rows, condition, slot).flatMap(matched -> rows.isEmpty() ? Uni.createFrom().<ClaimedSlot>nullItem()
                        : commit(owner, slot, trigger, rows.size(), matched, rows.get(rows.size() - 1), (System.nanoTime() - started) / 1_000_000)
                                .map(next -> cursor.hasMore() ? next : null)));
    }

    /**
     * A selected row; its record is decoded from the row only when needed (the evaluator's recheck, the
     * match's event): SQL alone decides most rows, and parsing every row's attributes was most of the JVM's time in finding them.
     */
    private final class Candidate {
        private final Row row;
        private final boolean recheck;
        private CrmRecord record;

        Candidate(Row row, boolean exact) {
            this.row = row;
            this.recheck = !exact && Boolean.TRUE.equals(row.getBoolean("recheck"));
        }

        String type() {
            return row.getString("type");
        }

        String id() {
            return row.getString("id");
        }

        CrmRecord record() {
            if (record == null) {
                record = records.read(row);
            }
            return record;
        }
    }

    /** The SQL select of the matches after the slot's checkpoint, in (type, id) order, with its parameters; relative dates at the slot's time. */
    static Tuple query(SqlPredicate p, ClaimedSlot slot, String modelKey, StringBuilder sql) {
        List<Object> parameters = new ArrayList<>(p.parameters());
        sql.append(p.selectDecided(RecordStore.columns("r")));
        if (modelKey != null) {
            parameters.add(modelKey);
            sql.append("\n  and r.type = $").append(parameters.size());
        }
        if (slot.afterType() != null) {
            parameters.add(slot.afterType());
            parameters.add(slot.afterId());
            sql.append("\n  and (r.type, r.id) > ($").append(parameters.size() - 1).append("::text, $").append(parameters.size()).append("::text)");
        }
        sql.append("\norder by r.type, r.id");
        return Tuple.from(parameters);
    }

    private List<Candidate> candidates(RowSet<Row> rows, boolean exact) {
        List<Candidate> out = new ArrayList<>(rows.size());
        for (Row row : rows) {
            out.add(new Candidate(row, exact));
        }
        return out;
    }

    /** The candidates that match: all those SQL decided, and those the in-memory evaluator keeps, at the slot's time. */
    private Uni<List<Candidate>> matching(List<Candidate> candidates, CompiledCondition condition, ClaimedSlot slot) {
        List<Map<String, Object>> unsure = candidates.stream().filter(c -> c.recheck).map(c -> c.record().toJson()).toList();
        Set<String> heads = condition.relations();
        Uni<RelationResolver> resolver = unsure.isEmpty() || heads.isEmpty()
                ? Uni.createFrom().item(RelationResolver.NONE) : relations.prefetch(unsure, heads);
        long at = slot.slotAt().toEpochMilli();
        return resolver.map(r -> candidates.stream()
                .filter(c -> !c.recheck || condition.matches(c.record().toJson(), null, r, at))
                .toList());
    }

    private Uni<ClaimedSlot> commit(String owner, ClaimedSlot slot, TriggerSnapshot trigger, int scanned, List<Candidate> candidates, Candidate last,
                                   long findMillis) {
        List<CrmRecord> matched = candidates.stream().map(Candidate::record).toList();
        return pool.withTransaction(tx -> open(tx, slot, trigger, matched)
                .flatMap(open -> events.appendAll(tx, events(slot, matched), true)
                        .flatMap(appended -> {
                            List<NewExecution> created = new ArrayList<>(matched.size());
                            int overlapping = 0;
                            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
                            for (int i = 0; i < matched.size(); i++) {
                                CrmRecord record = matched.get(i);
                                Long blocking = open.get(RecordStore.key(record.type(), record.id()));
                                if (blocking != null) {
                                    overlapping++;
                                }
                                created.add(execution(trigger, appended.get(i).id(), record, blocking, now));
                            }
                            int skipped = overlapping;
                            return rateLimiter.apply(tx, created)
                                    .flatMap(admitted -> executions.insert(tx, admitted))
                                    .flatMap(n -> slots.checkpoint(tx, owner, slot, last.type(), last.id(),
                                            new PageCounts(scanned, matched.size(), n, skipped, findMillis), config.lease()));
                        })))
                .invoke(runner::wake)
                .replaceWith(slot.after(last.type(), last.id()));
    }

    private static NewExecution execution(TriggerSnapshot trigger, long eventId, CrmRecord record, Long blocking, OffsetDateTime now) {
        if (blocking != null) {
            return new NewExecution(trigger.id(), trigger.version(), eventId, record.type(), record.id(), ExecutionStatus.SKIPPED, now,
                    "overlap: skip: execution " + blocking + " from the previous slot has not finished");
        }
        int delay = trigger.delayMinutes();
        return new NewExecution(trigger.id(), trigger.version(), eventId, record.type(), record.id(),
                delay > 0 ? ExecutionStatus.SCHEDULED : ExecutionStatus.PENDING, now.plusMinutes(delay), null);
    }

    /** One event per (slot, record): its client id is what makes a second execution for the pair impossible (see V12). */
    private static List<NewEvent> events(ClaimedSlot slot, List<CrmRecord> matched) {
        List<NewEvent> out = new ArrayList<>(matched.size());
        Map<String, Object> context = Map.of("slot_id", slot.id(), "slot_at", slot.slotAt().toString(), "origin", slot.origin());
        for (CrmRecord record : matched) {
            out.add(new NewEvent(KIND, record.type(), record.id(), null, record.toJson(), null, context, SOURCE, 0, null,
                    NewEvent.SCHEDULE_ID_PREFIX + slot.id() + ":" + record.type() + "/" + record.id()));
        }
        return out;
    }

    /**
     * With {@code overlap: skip} (the default), the page's records whose execution from the previous
     * slot (the latest earlier one that ran) has not finished, by record key, with that execution's id;
     * with {@code allow}, none. Found by the previous slot's event keys: two unique-index lookups per
     * record, whatever the size of the trigger's history.
     */
    private static Uni<Map<String, Long>> open(SqlClient tx, ClaimedSlot slot, TriggerSnapshot trigger, List<CrmRecord> matched) {
        if (matched.isEmpty() || "allow".equals(overlap(trigger))) {
            return Uni.createFrom().item(Map.of());
        }
        String[] keys = matched.stream().map(r -> r.type() + "/" + r.id()).toArray(String[]::new);
        return tx.preparedQuery("""
                        with previous as (
                            select id from schedule_slots
                            where trigger_id = $1 and slot_at < $2 and status = any($5)
                            order by slot_at desc limit 1)
                        select x.entity_type, x.entity_id, x.id
                        from previous p
                        cross join unnest($3::text[]) as k(key)
                        join events e on e.client_event_id = 'schedule:' || p.id || ':' || k.key
                        join trigger_executions x on x.trigger_id = $1 and x.event_id = e.id
                        where x.status = any($4)""")
                .execute(Tuple.from(new Object[] {trigger.id(), OffsetDateTime.ofInstant(slot.slotAt(), ZoneOffset.UTC), keys,
                        ExecutionStatus.wireNames(UNFINISHED), new String[] {SlotStatus.COMPLETED.wireName(), SlotStatus.RUNNING.wireName()}}))
                .map(rows -> {
                    Map<String, Long> out = new HashMap<>();
                    rows.forEach(r -> out.put(RecordStore.key(r.getString("entity_type"), r.getString("entity_id")), r.getLong("id")));
                    return out;
                });
    }

    static String overlap(TriggerSnapshot trigger) {
        Object config = trigger.definition().get("action_configuration");
        Object overlap = config instanceof Map<?, ?> m ? m.get("overlap") : null;
        return overlap == null ? "skip" : overlap.toString();
    }
}
