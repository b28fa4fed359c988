package dev.triggerfish.condition;

import java.util.List;

/** The parsed form of a trigger's conditions: leaves joined by AND and OR. */
public sealed interface ConditionNode {

    /** Every child holds. An empty list always holds. */
    record All(List<ConditionNode> children) implements ConditionNode {
    }

    /** At least one child holds. */
    record Any(List<ConditionNode> children) implements ConditionNode {
    }

    /**
     * One comparison of a field with a value.
     *
     * @param source where the item was written, e.g. {@code trigger_conditions[2].group[0]}
     * @param field  the dot path as written
     * @param value  the expected value as written (null for operators without a value)
     */
    record Comparison(String source, String field, Operator operator, Object value) implements ConditionNode {
    }
}
