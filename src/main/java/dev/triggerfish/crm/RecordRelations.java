package dev.triggerfish.crm;

import dev.triggerfish.condition.RelationResolver;
import dev.triggerfish.condition.RelationTypes;
import dev.triggerfish.support.EntityType;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Backs the condition engine's {@link RelationResolver} with the record store: the relations a
 * condition reaches ({@code company} for {@code company.industry}) are fetched in one query before
 * evaluation, so that evaluation itself never waits for I/O. A relation named {@code company} is the
 * record of type {@code company} whose id the record holds in {@code company_id}.
 */
@ApplicationScoped
public class RecordRelations {
    /** The record types of relations for the SQL push-down, as {@link #prefetch} resolves them. */
    public static final RelationTypes TYPES = relation -> EntityType.isValid(relation) ? EntityType.canonical(relation) : null;

    private final RecordStore store;

    public RecordRelations(RecordStore store) {
        this.store = store;
    }

    /** A resolver holding the related records of each given record for the relation names {@code heads}. */
    public Uni<RelationResolver> prefetch(List<Map<String, Object>> records, Set<String> heads) {
        List<String> types = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (Map<String, Object> record : records) {
            if (record == null) {
                continue;
            }
            for (String head : heads) {
                Object id = record.get(head + "_id");
                if (id != null && !(record.get(head) instanceof Map<?, ?>) && EntityType.isValid(head)) {
                    types.add(EntityType.canonical(head));
                    ids.add(id.toString());
                }
            }
        }
        return store.findAll(types, ids).map(RecordRelations::resolver);
    }

    private static RelationResolver resolver(List<CrmRecord> found) {
        Map<String, Map<String, Object>> byKey = new HashMap<>();
        found.forEach(r -> byKey.put(r.type() + "/" + r.id(), r.toJson()));
        return (relation, id) -> byKey.get(EntityType.canonical(relation) + "/" + id);
    }
}
