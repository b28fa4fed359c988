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
import dev.triggerfish.trigger.TriggerSnapshot;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
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

/**
 * One page of a slot's scan: the records after the checkpoint that the trigger's conditions select
 * (pushed down to SQL as they hold at the slot's time, the rows SQL cannot decide rechecked in memory),
 * in (type, id) order; then, in one transaction, the checkpoint moved past the page and an event and
 * an execution created per matching record. Records are read a page at a time, never all at once.
 *
 * <p>Which records: those of the trigger's {@code model_type}, or, when it names none (as the spec's
 * two time-based examples), records of every type; a condition on a field a record lacks is false
 * for it (so {@code stage in [...]} finds deals only).
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

    public SlotScan(SlotStore slots, Pool pool, RecordStore records, RecordRelations relations, EventStore events, ExecutionStore executions,
                    RateLimiter rateLimiter, ScheduleConfig config) {
        this.slots = slots;
        this.pool = pool;
        this.records = records;
        this.relations = relations;
        this.events = events;
        this.executions = executions;
        this.rateLimiter = rateLimiter;
        this.config = config;
    }

    /** Scans and commits the page after {@code slot}'s checkpoint; answers the slot past it, or null when the scan is done. */
    public Uni<ClaimedSlot> page(String owner, ClaimedSlot slot, TriggerSnapshot trigger) {
        CompiledCondition condition = trigger.compiled().condition();
        long started = System.nanoTime();
        return candidates(slot, trigger)
                .flatMap(rows -> matching(rows, condition, slot).flatMap(matched -> rows.isEmpty() ? Uni.createFrom().<ClaimedSlot>nullItem()
                        : commit(owner, slot, trigger, rows.size(), matched, rows.get(rows.size() - 1).record, (System.nanoTime() - started) / 1_000_000)
                                .map(next -> rows.size() < config.pageSize() ? null : next)));
    }

    private record Candidate(CrmRecord record, boolean recheck) {
    }

    /** The SQL select of a page, with its parameters; the predicate's relative dates resolved at the slot's time. */
    static Tuple query(SqlPredicate p, ClaimedSlot slot, String modelKey, int pageSize, StringBuilder sql) {
        List<Object> parameters = new ArrayList<>(p.parameters());
        sql.append(p.select(RecordStore.columns("r")));
        if (modelKey != null) {
            parameters.add(modelKey);
            sql.append("\n  and r.type = $").append(parameters.size());
        }
        if (slot.afterType() != null) {
            parameters.add(slot.afterType());
            parameters.add(slot.afterId());
            sql.append("\n  and (r.type, r.id) > ($").append(parameters.size() - 1).append("::text, $").append(parameters.size()).append("::text)");
        }
        parameters.add(pageSize);
        sql.append("\norder by r.type, r.id limit $").append(parameters.size());
        return Tuple.from(parameters);
    }

    private Uni<List<Candidate>> candidates(ClaimedSlot slot, TriggerSnapshot trigger) {
        SqlPredicate predicate = ConditionSql.compile(trigger.compiled().condition(), slot.slotAt(), RecordRelations.TYPES);
        StringBuilder sql = new StringBuilder();
        Tuple parameters = query(predicate, slot, trigger.compiled().modelKey(), config.pageSize(), sql);
        return pool.preparedQuery(sql.toString()).execute(parameters)
                .map(rows -> {
                    List<Candidate> out = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        out.add(new Candidate(records.read(row), Boolean.TRUE.equals(row.getBoolean("recheck"))));
                    }
                    return out;
                });
    }

    /** The candidates that match: all those SQL decided, and those the in-memory evaluator keeps, at the slot's time. */
    private Uni<List<CrmRecord>> matching(List<Candidate> candidates, CompiledCondition condition, ClaimedSlot slot) {
        List<Map<String, Object>> unsure = candidates.stream().filter(Candidate::recheck).map(c -> c.record.toJson()).toList();
        Set<String> heads = condition.relations();
        Uni<RelationResolver> resolver = unsure.isEmpty() || heads.isEmpty()
                ? Uni.createFrom().item(RelationResolver.NONE) : relations.prefetch(unsure, heads);
        long at = slot.slotAt().toEpochMilli();
        return resolver.map(r -> candidates.stream()
                .filter(c -> !c.recheck || condition.matches(c.record.toJson(), null, r, at))
                .map(Candidate::record)
                .toList());
    }

    private Uni<ClaimedSlot> commit(String owner, ClaimedSlot slot, TriggerSnapshot trigger, int scanned, List<CrmRecord> matched, CrmRecord last,
                                   long findMillis) {
        return pool.withTransaction(tx -> open(tx, trigger, matched)
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
                .replaceWith(slot.after(last.type(), last.id()));
    }

    private static NewExecution execution(TriggerSnapshot trigger, long eventId, CrmRecord record, Long blocking, OffsetDateTime now) {
        if (blocking != null) {
            return new NewExecution(trigger.id(), trigger.version(), eventId, record.type(), record.id(), ExecutionStatus.SKIPPED, now,
                    "overlap: skip: execution " + blocking + " from an earlier slot has not finished");
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
                    "schedule:" + slot.id() + ":" + record.type() + "/" + record.id()));
        }
        return out;
    }

    /**
     * With {@code overlap: skip} (the default), the unfinished executions of this trigger for the page's
     * records, by record key; with {@code allow}, none.
     */
    private static Uni<Map<String, Long>> open(SqlClient tx, TriggerSnapshot trigger, List<CrmRecord> matched) {
        if (matched.isEmpty() || "allow".equals(overlap(trigger))) {
            return Uni.createFrom().item(Map.of());
        }
        String[] types = matched.stream().map(CrmRecord::type).distinct().toArray(String[]::new);
        String[] ids = matched.stream().map(CrmRecord::id).toArray(String[]::new);
        return tx.preparedQuery("""
                        select entity_type, entity_id, max(id) as id from trigger_executions
                        where trigger_id = $1 and status = any($2) and entity_id = any($3) and entity_type = any($4)
                        group by entity_type, entity_id""")
                .execute(Tuple.from(new Object[] {trigger.id(), ExecutionStatus.wireNames(UNFINISHED), ids, types}))
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
