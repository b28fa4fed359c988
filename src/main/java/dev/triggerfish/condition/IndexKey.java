package dev.triggerfish.condition;

import java.util.ArrayList;
import java.util.List;

/**
 * An equality that every match of a condition list must satisfy: the record's top-level
 * {@code field} has one of {@code keys} (as {@link Values#equalityKey} writes them). Found among
 * the top-level AND leaves ({@code equals}, {@code changed_to}, {@code in}) so that a trigger index can
 * skip triggers whose equality the record cannot meet.
 */
public record IndexKey(String field, List<String> keys) {

    static List<IndexKey> of(ConditionNode ast) {
        List<ConditionNode> conjuncts = ast instanceof ConditionNode.All all ? all.children() : List.of(ast);
        List<IndexKey> found = new ArrayList<>();
        for (ConditionNode node : conjuncts) {
            if (node instanceof ConditionNode.Comparison leaf && FieldPath.of(leaf.field()).isSimple()) {
                List<Object> values = switch (leaf.operator()) {
                    case EQUALS, CHANGED_TO -> leaf.value() == null ? null : List.<Object>of(leaf.value());
                    case IN -> ((List<?>) leaf.value()).isEmpty() ? null : new ArrayList<Object>((List<?>) leaf.value());
                    default -> null;
                };
                IndexKey key = values == null ? null : plainKey(FieldPath.of(leaf.field()).head(), values);
                if (key != null) {
                    found.add(key);
                }
            }
        }
        return List.copyOf(found);
    }

    private static IndexKey plainKey(String field, List<Object> values) {
        List<String> keys = new ArrayList<>();
        for (Object v : values) {
            if (v == null || !new Operand(v).isPlain()) {
                return null;
            }
            keys.add(Values.equalityKey(v));
        }
        return new IndexKey(field, List.copyOf(keys));
    }
}

