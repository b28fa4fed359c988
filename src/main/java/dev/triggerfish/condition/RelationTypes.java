package dev.triggerfish.condition;

/**
 * The stored record type that a relation name reaches ({@code company} in {@code company.industry}
 * reaches the records of type {@code company}), for the SQL push-down. Declared here and implemented
 * where record types are known, so that it agrees with the {@link RelationResolver} of evaluation.
 */
@FunctionalInterface
public interface RelationTypes {

    /** The canonical record type for {@code relation}, or null when the name can be no relation. */
    String typeOf(String relation);
}
