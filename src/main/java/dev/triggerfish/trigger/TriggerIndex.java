package dev.triggerfish.trigger;

import dev.triggerfish.condition.IndexKey;
import dev.triggerfish.condition.RelationResolver;
import dev.triggerfish.condition.Values;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Active triggers indexed so that matching an event costs what the event can match, not what is
 * loaded: by trigger type and model, then by one equality each trigger requires ({@code stage equals
 * 'won'}, {@code source in [...]}), looked up with the record's value. Immutable: a change builds a new
 * index.
 */
public final class TriggerIndex {
    public static final TriggerIndex EMPTY = new TriggerIndex(List.of());
    private static final String ANY_MODEL = "*";

    private final Map<TriggerType, Map<String, Bucket>> buckets = new EnumMap<>(TriggerType.class);
    private final int size;

    public TriggerIndex(Collection<CompiledTrigger> triggers) {
        for (CompiledTrigger trigger : triggers) {
            String model = trigger.modelKey() == null ? ANY_MODEL : trigger.modelKey();
            buckets.computeIfAbsent(trigger.type(), t -> new HashMap<>()).computeIfAbsent(model, m -> new Bucket()).add(trigger);
        }
        this.size = triggers.size();
    }

    public int size() {
        return size;
    }

    /**
     * The triggers that an event fires, in trigger id order.
     *
     * @param kind       created, updated, deleted or a custom kind
     * @param entityType the canonical type of the record
     */
    public List<CompiledTrigger> match(String kind, String entityType, Map<String, Object> record, Map<String, Object> previous,
                                       RelationResolver resolver, long nowMillis) {
        return match(kind, entityType, record, previous, resolver, nowMillis, null);
    }

    /**
     * As {@link #match(String, String, Map, Map, RelationResolver, long)}, for an event from inbound
     * webhook source {@code webhookSource} (null for any other event): triggers restricted to another
     * source (their {@code webhook_source}) do not fire.
     */
    public List<CompiledTrigger> match(String kind, String entityType, Map<String, Object> record, Map<String, Object> previous,
                                       RelationResolver resolver, long nowMillis, String webhookSource) {
        Map<String, Object> subject = CompiledTrigger.subject(kind, record, previous);
        if (subject == null) {
            return List.of();
        }
        List<CompiledTrigger> fired = new ArrayList<>(2);
        for (TriggerType type : CompiledTrigger.typesFor(kind)) {
            Map<String, Bucket> byModel = buckets.get(type);
            if (byModel != null) {
                collect(byModel.get(entityType), kind, subject, record, previous, resolver, nowMillis, fired);
                collect(byModel.get(ANY_MODEL), kind, subject, record, previous, resolver, nowMillis, fired);
            }
        }
        fired.removeIf(trigger -> !trigger.hears(webhookSource));
        if (fired.size() > 1) {
            fired.sort((a, b) -> Long.compare(a.id(), b.id()));
        }
        return fired;
    }

    /** The candidates of a bucket: the ones the index cannot rule out. Exposed for explain and tests. */
    public List<CompiledTrigger> candidates(TriggerType type, String entityType, Map<String, Object> subject) {
        Bucket bucket = buckets.getOrDefault(type, Map.of()).get(entityType);
        List<CompiledTrigger> out = new ArrayList<>();
        if (bucket != null) {
            bucket.candidates(subject, out::add);
        }
        return out;
    }

    private static void collect(Bucket bucket, String kind, Map<String, Object> subject, Map<String, Object> record,
                                Map<String, Object> previous, RelationResolver resolver, long now, List<CompiledTrigger> fired) {
        if (bucket == null) {
            return;
        }
        bucket.candidates(subject, trigger -> {
            if (trigger.fires(kind, record, previous, resolver, now) && !fired.contains(trigger)) {
                fired.add(trigger);
            }
        });
    }

    /** The triggers of one (type, model): those with an equality key by field and value, the rest in a list. */
    private static final class Bucket {
        private final List<CompiledTrigger> unindexed = new ArrayList<>();
        private final Map<String, Map<String, List<CompiledTrigger>>> byField = new LinkedHashMap<>();

        void add(CompiledTrigger trigger) {
            List<IndexKey> keys = trigger.condition().indexKeys();
            if (keys.isEmpty()) {
                unindexed.add(trigger);
                return;
            }
            IndexKey key = keys.get(0);
            Map<String, List<CompiledTrigger>> byValue = byField.computeIfAbsent(key.field(), f -> new HashMap<>());
            for (String value : key.keys()) {
                byValue.computeIfAbsent(value, v -> new ArrayList<>()).add(trigger);
            }
        }

        void candidates(Map<String, Object> subject, java.util.function.Consumer<CompiledTrigger> sink) {
            unindexed.forEach(sink);
            for (Map.Entry<String, Map<String, List<CompiledTrigger>>> field : byField.entrySet()) {
                Object value = subject.get(field.getKey());
                if (value instanceof List<?> list) {
                    for (Object element : list) {
                        lookup(field.getValue(), element, sink);
                    }
                } else {
                    lookup(field.getValue(), value, sink);
                }
            }
        }

        private static void lookup(Map<String, List<CompiledTrigger>> byValue, Object value, java.util.function.Consumer<CompiledTrigger> sink) {
            String key = Values.equalityKey(value);
            if (key != null) {
                List<CompiledTrigger> found = byValue.get(key);
                if (found != null) {
                    found.forEach(sink);
                }
            }
        }
    }
}
