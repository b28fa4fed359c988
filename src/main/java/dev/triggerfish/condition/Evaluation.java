package dev.triggerfish.condition;

import java.util.Map;

/** The inputs of one evaluation: the record, its previous state, relations and the clock. */
final class Evaluation {
    final Map<String, Object> record;
    final Map<String, Object> previous;
    final RelationResolver resolver;
    /** Evaluating the old state for an edge: change operators do not hold there. */
    final boolean snapshot;
    private final long nowMillis;

    Evaluation(Map<String, Object> record, Map<String, Object> previous, RelationResolver resolver,
               long nowMillis, boolean snapshot) {
        this.record = record;
        this.previous = previous;
        this.resolver = resolver;
        this.nowMillis = nowMillis;
        this.snapshot = snapshot;
    }

    long now() {
        return nowMillis;
    }
}
