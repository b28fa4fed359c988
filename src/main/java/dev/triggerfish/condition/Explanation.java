package dev.triggerfish.condition;

import java.util.List;

/**
 * Why a condition list held or not: every leaf with what it compared.
 *
 * @param matched whether the whole list held
 * @param leaves  every leaf, in the order written
 */
public record Explanation(boolean matched, List<LeafTrace> leaves) {

    /** The first leaf, in the order written, that did not hold; null when every leaf held. */
    public LeafTrace firstFailed() {
        return leaves.stream().filter(leaf -> !leaf.result()).findFirst().orElse(null);
    }

    /**
     * One leaf's evaluation.
     *
     * @param path     the JSON path of the condition item, e.g. {@code trigger_conditions[2].group[0]}
     * @param previous the value in the previous state (change operators only)
     */
    public record LeafTrace(String path, String field, String operator, Object expected, Object actual,
                            Object previous, boolean result) {
    }
}
