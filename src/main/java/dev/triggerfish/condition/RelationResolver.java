package dev.triggerfish.condition;

import java.util.Map;

/**
 * Finds a related record for a dot path such as {@code company.industry}: the record holds
 * {@code company_id}, and this returns the company. Declared here, implemented by the record store
 * (which prefetches what a condition needs, so this call never does I/O).
 */
@FunctionalInterface
public interface RelationResolver {

    RelationResolver NONE = (relation, id) -> null;

    /** The related record named {@code relation} with this id, or null when unknown. */
    Map<String, Object> resolve(String relation, Object id);
}
