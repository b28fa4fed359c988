package dev.triggerfish.insight;

import dev.triggerfish.api.ApiProblem;
import dev.triggerfish.condition.RelationResolver;
import dev.triggerfish.crm.RecordRelations;
import dev.triggerfish.dispatch.ChainRule;
import dev.triggerfish.dispatch.DispatchConfig;
import dev.triggerfish.event.EventStore;
import dev.triggerfish.event.StoredEvent;
import dev.triggerfish.support.EntityType;
import dev.triggerfish.trigger.CompiledTrigger;
import dev.triggerfish.trigger.EventTrigger;
import dev.triggerfish.trigger.TriggerType;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Backtests a draft: the stored events of a window replayed through it as the dispatcher would match
 * them (conditions evaluated at each event's own time, the chain rules), answering how many executions
 * it would have created, per UTC day, with sample records. Reads only; bounded in rows
 * ({@code max_events} per call, paged by {@code after_id}) and in time (a statement timeout).
 * Rate limits are not simulated: the answer counts what the conditions select.
 */
@ApplicationScoped
public class Backtest {
    static final int MAX_EVENTS = 10_000;
    private static final int SAMPLES = 5;
    private static final String STATEMENT_TIMEOUT = "5s";

    private final Pool pool;
    private final RecordRelations relations;
    private final ChainRule chain;

    public Backtest(Pool pool, RecordRelations relations, DispatchConfig config) {
        this.pool = pool;
        this.relations = relations;
        this.chain = ChainRule.of(config);
    }

    public Uni<Map<String, Object>> run(EventTrigger draft, Map<String, Object> body) {
        OffsetDateTime from = time(body, "from", OffsetDateTime.now(ZoneOffset.UTC).minusDays(7));
        OffsetDateTime to = time(body, "to", OffsetDateTime.now(ZoneOffset.UTC));
        if (!from.isBefore(to)) {
            throw ApiProblem.badRequest("to", "must be after from");
        }
        int limit = whole(body, "max_events", MAX_EVENTS, 1, MAX_EVENTS);
        long afterId = whole(body, "after_id", 0, 0, Long.MAX_VALUE);
        CompiledTrigger trigger = CompiledTrigger.of(draft);
        List<String> kinds = kinds(trigger.type());
        return events(trigger, kinds, from, to, afterId, limit)
                .flatMap(events -> resolver(trigger, events).map(resolver -> answer(trigger, events, resolver, from, to, limit)));
    }

    /** The event kinds the draft's type listens to; null for a webhook trigger (every kind but the three record ones). */
    private static List<String> kinds(TriggerType type) {
        List<String> kinds = new ArrayList<>();
        for (String kind : List.of(CompiledTrigger.CREATED, CompiledTrigger.UPDATED, CompiledTrigger.DELETED)) {
            if (CompiledTrigger.typesFor(kind).contains(type)) {
                kinds.add(kind);
            }
        }
        if (type == TriggerType.WEBHOOK) {
            return null;
        }
        if (kinds.isEmpty()) {
            throw ApiProblem.badRequest("trigger.trigger_type", "a " + type.wireName() + " trigger is not started by events: nothing to backtest");
        }
        return kinds;
    }

    private Uni<List<StoredEvent>> events(CompiledTrigger trigger, List<String> kinds, OffsetDateTime from, OffsetDateTime to,
                                          long afterId, int limit) {
        // the model is compared in Java, after the dispatcher's canonical form ('Contacts' written by a capture is 'contact')
        return pool.withTransaction(tx -> tx.query("set local statement_timeout = '" + STATEMENT_TIMEOUT + "'").execute()
                .flatMap(ignored -> tx.preparedQuery("select " + EventStore.columns("") + " from events"
                                + " where id > $1 and created_at >= $2 and created_at < $3"
                                + " and case when $4::text[] is null then kind <> all($5) else kind = any($4) end"
                                + " and source <> all($7)" // what the dispatcher never matches (StoredEvent.OWN_WORK)
                                + " order by id limit $6")
                        .execute(Tuple.from(new Object[] {afterId, from, to, kinds == null ? null : kinds.toArray(String[]::new),
                                new String[] {CompiledTrigger.CREATED, CompiledTrigger.UPDATED, CompiledTrigger.DELETED}, limit,
                                StoredEvent.OWN_WORK.toArray(String[]::new)})))
                .map(rows -> {
                    List<StoredEvent> out = new ArrayList<>();
                    rows.forEach(row -> {
                        try {
                            out.add(canonical(EventStore.read(row)));
                        } catch (RuntimeException unreadable) {
                            // a row that cannot be read is never dispatched either
                        }
                    });
                    return out;
                }));
    }

    private Uni<RelationResolver> resolver(CompiledTrigger trigger, List<StoredEvent> events) {
        if (trigger.condition().relations().isEmpty() || events.isEmpty()) {
            return Uni.createFrom().item(RelationResolver.NONE);
        }
        List<Map<String, Object>> states = new ArrayList<>();
        events.forEach(e -> {
            states.add(e.newState());
            states.add(e.oldState());
        });
        return relations.prefetch(states, trigger.condition().relations());
    }

    private Map<String, Object> answer(CompiledTrigger trigger, List<StoredEvent> events, RelationResolver resolver,
                                       OffsetDateTime from, OffsetDateTime to, int limit) {
        Map<String, Long> perDay = new TreeMap<>();
        List<Map<String, Object>> samples = new ArrayList<>();
        long fired = 0;
        long cut = 0;
        for (StoredEvent e : events) {
            if (trigger.modelKey() != null && !trigger.modelKey().equals(e.entityType()) || !trigger.hears(e.webhookSource())) {
                continue;
            }
            if (!trigger.fires(e.kind(), e.newState(), e.oldState(), resolver, e.createdAt().toInstant().toEpochMilli())) {
                continue;
            }
            if (chain.tooDeep(e)) {
                cut++;
                continue;
            }
            fired++;
            String day = e.createdAt().withOffsetSameInstant(ZoneOffset.UTC).toLocalDate().toString();
            perDay.merge(day, 1L, Long::sum);
            if (samples.size() < SAMPLES) {
                Map<String, Object> sample = new LinkedHashMap<>();
                sample.put("event_id", e.id());
                sample.put("created_at", e.createdAt().toString());
                sample.put("entity_type", e.entityType());
                sample.put("entity_id", e.entityId());
                sample.put("record", CompiledTrigger.subject(e.kind(), e.newState(), e.oldState()));
                samples.add(sample);
            }
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("from", from.toString());
        answer.put("to", to.toString());
        answer.put("events_examined", events.size());
        answer.put("executions", fired);
        answer.put("chain_cut", cut);
        List<Map<String, Object>> days = new ArrayList<>();
        perDay.forEach((day, n) -> days.add(Map.of("day", day, "executions", n)));
        answer.put("per_day", days);
        answer.put("samples", samples);
        answer.put("next_after_id", events.size() == limit ? events.get(events.size() - 1).id() : null);
        answer.put("side_effects", "none: nothing was stored and nothing was sent");
        return answer;
    }

    private static StoredEvent canonical(StoredEvent e) {
        if (e.entityType() == null || !EntityType.isValid(e.entityType())) {
            return e;
        }
        return new StoredEvent(e.id(), e.kind(), EntityType.canonical(e.entityType()), e.entityId(), e.oldState(), e.newState(),
                e.context(), e.source(), e.chainDepth(), e.originTriggerId(), e.createdAt());
    }

    private static OffsetDateTime time(Map<String, Object> body, String field, OffsetDateTime absent) {
        Object raw = body.get(field);
        if (raw == null) {
            return absent;
        }
        try {
            return OffsetDateTime.parse(raw.toString());
        } catch (DateTimeParseException e) {
            throw ApiProblem.badRequest(field, "must be an ISO-8601 date-time with an offset, such as 2026-11-25T00:00:00Z");
        }
    }

    private static int whole(Map<String, Object> body, String field, int absent, int min, int max) {
        return (int) whole(body, field, (long) absent, min, max);
    }

    private static long whole(Map<String, Object> body, String field, long absent, long min, long max) {
        Object raw = body.get(field);
        if (raw == null) {
            return absent;
        }
        if (!(raw instanceof Integer || raw instanceof Long) || ((Number) raw).longValue() < min || ((Number) raw).longValue() > max) {
            throw ApiProblem.badRequest(field, "must be a whole number from " + min + " to " + max);
        }
        return ((Number) raw).longValue();
    }
}
