package dev.triggerfish.template;

import dev.triggerfish.condition.RelationResolver;

import java.util.AbstractMap;
import java.util.Map;
import java.util.Set;

/**
 * A record as templates see it: its own fields, and its relations ({@code company} when it holds
 * {@code company_id}) resolved on access, so {@code {{entity.company.name}}} works.
 */
public final class EntityView extends AbstractMap<String, Object> {
    private final Map<String, Object> record;
    private final RelationResolver resolver;

    public EntityView(Map<String, Object> record, RelationResolver resolver) {
        this.record = record;
        this.resolver = resolver;
    }

    @Override
    public Object get(Object key) {
        Object value = record.get(key);
        if (value instanceof Map<?, ?> nested && !(value instanceof EntityView)) {
            @SuppressWarnings("unchecked")
            Map<String, Object> map = (Map<String, Object>) nested;
            return new EntityView(map, resolver);
        }
        if (value == null && key instanceof String name) {
            Object id = record.get(name + "_id");
            Map<String, Object> related = id == null ? null : resolver.resolve(name, id);
            return related == null ? null : new EntityView(related, resolver);
        }
        return value;
    }

    @Override
    public boolean containsKey(Object key) {
        return get(key) != null || record.containsKey(key);
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return record.entrySet();
    }
}
