package dev.triggerfish.condition;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A condition list compiled once per trigger version into a tree of small predicates. Evaluation
 * reads the record through pre-split paths and pre-classified operands; it never sees the JSON the
 * conditions were written in, and it never throws on a missing path or a type mismatch (false).
 */
public final class CompiledCondition {
    private static final CompiledCondition ALWAYS = new CompiledCondition(new ConditionNode.All(List.of()));

    private final ConditionNode ast;
    private final Predicate root;
    private final boolean usesClock;
    private final Set<String> relations;
    private final List<IndexKey> indexKeys;

    private CompiledCondition(ConditionNode ast) {
        this.ast = ast;
        List<CompiledComparison> leaves = new ArrayList<>();
        this.root = compile(ast, leaves);
        this.usesClock = leaves.stream().anyMatch(CompiledComparison::usesClock);
        Set<String> heads = new LinkedHashSet<>();
        leaves.stream().filter(l -> !l.path.isSimple()).forEach(l -> heads.add(l.path.head()));
        this.relations = Set.copyOf(heads);
        this.indexKeys = IndexKey.of(ast);
    }

    /** Compiles parsed conditions. */
    public static CompiledCondition compile(ConditionNode ast) {
        return new CompiledCondition(ast);
    }

    /**
     * Parses and compiles a condition list as written in JSON.
     *
     * @throws InvalidConditions with the path of every bad item
     */
    public static CompiledCondition compile(Object conditions, String path) {
        return conditions == null ? ALWAYS : new CompiledCondition(ConditionParser.parse(conditions, path));
    }

    public ConditionNode ast() {
        return ast;
    }

    /** Fields the record reaches through (relations or nested objects): the first segment of each dotted path. */
    public Set<String> relations() {
        return relations;
    }

    /** Equality leaves that every match must satisfy, for indexing triggers by record values. */
    public List<IndexKey> indexKeys() {
        return indexKeys;
    }

    /** Whether the conditions hold for {@code record}, which has no previous state. */
    public boolean matches(Map<String, Object> record) {
        return matches(record, null, RelationResolver.NONE);
    }

    /** Whether the conditions hold for {@code record}; change operators compare it with {@code previous}. */
    public boolean matches(Map<String, Object> record, Map<String, Object> previous, RelationResolver resolver) {
        return matches(record, previous, resolver, usesClock ? System.currentTimeMillis() : 0L);
    }

    public boolean matches(Map<String, Object> record, Map<String, Object> previous, RelationResolver resolver, long nowMillis) {
        return record != null && root.test(new Evaluation(record, previous, resolver, nowMillis, false));
    }

    /**
     * The {@code field_changed} edge: the conditions hold for the new state and did not hold for the
     * old one (where change operators count as not holding), so a value that crosses a threshold or
     * changes to a value fires once, not on every later update.
     */
    public boolean matchesEdge(Map<String, Object> record, Map<String, Object> previous, RelationResolver resolver, long nowMillis) {
        if (!matches(record, previous, resolver, nowMillis)) {
            return false;
        }
        return previous == null || !root.test(new Evaluation(previous, null, resolver, nowMillis, true));
    }

    public boolean matchesEdge(Map<String, Object> record, Map<String, Object> previous, RelationResolver resolver) {
        return matchesEdge(record, previous, resolver, usesClock ? System.currentTimeMillis() : 0L);
    }

    /** Evaluates every leaf (no short cut) and reports what each compared. */
    public Explanation explain(Map<String, Object> record, Map<String, Object> previous, RelationResolver resolver, long nowMillis) {
        List<Explanation.LeafTrace> traces = new ArrayList<>();
        boolean matched = record != null && root.explain(new Evaluation(record, previous, resolver, nowMillis, false), traces);
        return new Explanation(matched, List.copyOf(traces));
    }

    private static Predicate compile(ConditionNode node, List<CompiledComparison> leaves) {
        if (node instanceof ConditionNode.All all) {
            return new AllOf(all.children().stream().map(c -> compile(c, leaves)).toArray(Predicate[]::new));
        }
        if (node instanceof ConditionNode.Any any) {
            return new AnyOf(any.children().stream().map(c -> compile(c, leaves)).toArray(Predicate[]::new));
        }
        CompiledComparison leaf = CompiledComparison.of((ConditionNode.Comparison) node);
        leaves.add(leaf);
        return leaf;
    }

    /** A compiled node. */
    abstract static class Predicate {
        abstract boolean test(Evaluation ev);

        abstract boolean explain(Evaluation ev, List<Explanation.LeafTrace> out);
    }

    private static final class AllOf extends Predicate {
        private final Predicate[] children;

        AllOf(Predicate[] children) {
            this.children = children;
        }

        @Override
        boolean test(Evaluation ev) {
            for (Predicate child : children) {
                if (!child.test(ev)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        boolean explain(Evaluation ev, List<Explanation.LeafTrace> out) {
            boolean result = true;
            for (Predicate child : children) {
                result &= child.explain(ev, out);
            }
            return result;
        }
    }

    private static final class AnyOf extends Predicate {
        private final Predicate[] children;

        AnyOf(Predicate[] children) {
            this.children = children;
        }

        @Override
        boolean test(Evaluation ev) {
            for (Predicate child : children) {
                if (child.test(ev)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        boolean explain(Evaluation ev, List<Explanation.LeafTrace> out) {
            boolean result = false;
            for (Predicate child : children) {
                result |= child.explain(ev, out);
            }
            return result;
        }
    }
}
