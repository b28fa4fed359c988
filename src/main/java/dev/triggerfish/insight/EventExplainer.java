package dev.triggerfish.insight;

import dev.triggerfish.api.Paging;
import dev.triggerfish.condition.RelationResolver;
import dev.triggerfish.crm.RecordRelations;
import dev.triggerfish.dispatch.ChainRule;
import dev.triggerfish.dispatch.DispatchConfig;
import dev.triggerfish.event.EventStatus;
import dev.triggerfish.event.EventStore;
import dev.triggerfish.event.StoredEvent;
import dev.triggerfish.support.EntityType;
import dev.triggerfish.support.NotFound;
import dev.triggerfish.trigger.CompiledTrigger;
import dev.triggerfish.trigger.EventTrigger;
import dev.triggerfish.trigger.TriggerService;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code GET /api/events/{id}/explain}: every trigger that could have matched, and why it fired for the event or not
 * ({@link Verdict}), with the executions dispatch recorded for the event. Conditions are evaluated on
 * the event's states as stored and the triggers as they are now (the answer names each version).
 */
@ApplicationScoped
public class EventExplainer {
    private final dev.triggerfish.template.Secrets secrets;
    /** Triggers looked at per explain, by id: a CRM's triggers fit; beyond that the answer says it stopped. */
    static final int MAX_TRIGGERS = Paging.MAX_PER_PAGE;

    private final EventStore events;
    private final TriggerService triggers;
    private final RecordRelations relations;
    private final Pool pool;
    private final ChainRule chain;

    public EventExplainer(EventStore events, TriggerService triggers, RecordRelations relations, Pool pool, DispatchConfig config,
                          dev.triggerfish.template.Secrets secrets) {
        this.secrets = secrets;
        this.events = events;
        this.triggers = triggers;
        this.relations = relations;
        this.pool = pool;
        this.chain = ChainRule.of(config);
    }

    /**
     * @param triggerId one trigger to explain (of any model), or null: every trigger of the event's
     *                  model and every trigger without one
     */
    public Uni<Map<String, Object>> explain(long eventId, Long triggerId) {
        return events.find(eventId)
                .onItem().ifNull().failWith(() -> new NotFound("event", eventId))
                .map(EventExplainer::canonical)
                .flatMap(event -> candidates(event, triggerId)
                        .flatMap(found -> {
                            List<CompiledTrigger> compiled = found.stream().map(CompiledTrigger::of).toList();
                            Map<Long, Boolean> active = new HashMap<>();
                            found.forEach(t -> active.put(t.id, t.isActive));
                            return Uni.combine().all().unis(dispatch(eventId), recorded(eventId, active.keySet()), resolver(event, compiled))
                                    .with((state, recorded, resolver) -> answer(event, state, compiled, active, recorded, resolver));
                        }));
    }

    /** The triggers that could have matched: the one asked for, or those of the event's model and those of none, by id. */
    private Uni<List<EventTrigger>> candidates(StoredEvent event, Long triggerId) {
        if (triggerId != null) {
            return triggers.get(triggerId).map(List::of);
        }
        return Panache.withSession(() -> EventTrigger.<EventTrigger>find("modelKey = ?1 or modelKey is null order by id", event.entityType())
                .page(0, MAX_TRIGGERS).list());
    }

    private Map<String, Object> answer(StoredEvent event, Row state, List<CompiledTrigger> compiled, Map<Long, Boolean> active,
                                       Map<Long, Verdict.Recorded> recorded, RelationResolver resolver) {
        long now = System.currentTimeMillis();
        boolean dispatched = EventStatus.fromWireName(state.getString("status")) == EventStatus.DISPATCHED;
        List<Map<String, Object>> verdicts = new ArrayList<>();
        List<Long> fired = new ArrayList<>();
        for (CompiledTrigger trigger : compiled) {
            Map<String, Object> verdict = Verdict.of(trigger, active.get(trigger.id()), event, dispatched, recorded.get(trigger.id()), chain,
                    resolver, now);
            if (Verdict.Outcome.FIRED.wireName().equals(verdict.get("outcome"))) {
                fired.add(trigger.id());
            }
            verdicts.add(verdict);
        }
        Map<String, Object> head = new LinkedHashMap<>();
        head.put("id", event.id());
        head.put("kind", event.kind());
        head.put("entity_type", event.entityType());
        head.put("entity_id", event.entityId());
        head.put("source", event.source());
        head.put("chain_depth", event.chainDepth());
        head.put("origin_trigger_id", event.originTriggerId());
        head.put("status", state.getString("status"));
        head.put("error", secrets.redact(state.getString("error"))); // redacted where written, and again here (a secret set since)
        String clientId = state.getString("client_event_id");
        if (clientId != null) {
            head.put("event_id", clientId);
            head.put("deduplicated", "a repeat of event_id '" + clientId + "' stores nothing and answers this event's id");
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("event", head);
        answer.put("fired", fired);
        answer.put("triggers", verdicts);
        if (compiled.size() == MAX_TRIGGERS) {
            answer.put("truncated", "only the first " + MAX_TRIGGERS + " triggers (by id) were looked at: ask for one with ?trigger_id=");
        }
        return answer;
    }

    private Uni<Row> dispatch(long eventId) {
        return pool.preparedQuery("select status, error, client_event_id from events where id = $1").execute(Tuple.of(eventId))
                .map(rows -> rows.iterator().next());
    }

    /** The executions of the event, one per trigger at most, found through the unique key (trigger_id, event_id). */
    private Uni<Map<Long, Verdict.Recorded>> recorded(long eventId, Set<Long> triggerIds) {
        return pool.preparedQuery("""
                        select id, trigger_id, status, error, rate_limited_window from trigger_executions
                        where trigger_id = any($1) and event_id = $2""")
                .execute(Tuple.of(triggerIds.toArray(Long[]::new), eventId))
                .map(rows -> {
                    Map<Long, Verdict.Recorded> out = new HashMap<>();
                    rows.forEach(r -> out.put(r.getLong("trigger_id"), new Verdict.Recorded(r.getLong("id"), r.getString("status"),
                            secrets.redact(r.getString("error")), r.getString("rate_limited_window"))));
                    return out;
                });
    }

    private Uni<RelationResolver> resolver(StoredEvent event, List<CompiledTrigger> compiled) {
        Set<String> heads = new LinkedHashSet<>();
        compiled.forEach(t -> heads.addAll(t.condition().relations()));
        List<Map<String, Object>> states = new ArrayList<>();
        states.add(event.newState());
        states.add(event.oldState());
        return heads.isEmpty() ? Uni.createFrom().item(RelationResolver.NONE) : relations.prefetch(states, heads);
    }

    /** As the dispatcher reads it: the model type as canonical ('Contact' is 'contact'). */
    private static StoredEvent canonical(StoredEvent e) {
        if (e.entityType() == null || !EntityType.isValid(e.entityType())) {
            return e;
        }
        return new StoredEvent(e.id(), e.kind(), EntityType.canonical(e.entityType()), e.entityId(), e.oldState(), e.newState(),
                e.context(), e.source(), e.chainDepth(), e.originTriggerId(), e.createdAt());
    }
}
