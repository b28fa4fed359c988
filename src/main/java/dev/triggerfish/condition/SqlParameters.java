package dev.triggerfish.condition;

import java.util.ArrayList;
import java.util.List;

/** The values of a predicate, numbered {@code $1…} in the order they are added. */
final class SqlParameters {
    private final List<Object> values = new ArrayList<>();

    /** Adds {@code value} and returns its placeholder. */
    String add(Object value) {
        values.add(value);
        return "$" + values.size();
    }

    List<Object> values() {
        return List.copyOf(values);
    }
}
