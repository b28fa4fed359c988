package dev.triggerfish.condition;

import java.util.List;
import java.util.Map;

/**
 * A dot path split once at compile time. Reading it walks maps (and list indexes); a segment that is
 * absent but has a sibling {@code <segment>_id} is a relation, looked up through the resolver.
 * A missing segment anywhere gives null, never an exception.
 */
public final class FieldPath {
    private final String text;
    private final String[] segments;
    private final String[] relationIdKeys;

    private FieldPath(String text, String[] segments) {
        this.text = text;
        this.segments = segments;
        this.relationIdKeys = new String[segments.length];
        for (int i = 0; i < segments.length - 1; i++) {
            relationIdKeys[i] = segments[i] + "_id";
        }
    }

    /** Parses a path; a leading {@code entity.} names the record itself and is dropped. */
    public static FieldPath of(String text) {
        String path = text.startsWith("entity.") ? text.substring("entity.".length()) : text;
        return new FieldPath(text, path.split("\\.", -1));
    }

    /** True when no segment is empty. */
    public boolean isWellFormed() {
        for (String s : segments) {
            if (s.isEmpty()) {
                return false;
            }
        }
        return true;
    }

    public String text() {
        return text;
    }

    /** The first segment: the record's own field this path starts from. */
    public String head() {
        return segments[0];
    }

    /** The segments after the optional {@code entity.} prefix. */
    List<String> segments() {
        return List.of(segments);
    }

    public boolean isSimple() {
        return segments.length == 1;
    }

    /** The value at this path in {@code record}, or null when any part of it is missing. */
    public Object read(Map<String, Object> record, RelationResolver resolver) {
        Object current = record;
        for (int i = 0; i < segments.length; i++) {
            if (current instanceof Map<?, ?> map) {
                Object next = map.get(segments[i]);
                if (next == null && i < segments.length - 1) {
                    next = relation(map, i, resolver);
                }
                current = next;
            } else if (current instanceof List<?> list) {
                current = element(list, segments[i]);
            } else {
                return null;
            }
            if (current == null) {
                return null;
            }
        }
        return current;
    }

    private Object relation(Map<?, ?> map, int i, RelationResolver resolver) {
        Object id = map.get(relationIdKeys[i]);
        return id == null || resolver == null ? null : resolver.resolve(segments[i], id);
    }

    private static Object element(List<?> list, String segment) {
        int index = 0;
        for (int k = 0; k < segment.length(); k++) {
            char c = segment.charAt(k);
            if (c < '0' || c > '9' || k > 8) {
                return null;
            }
            index = index * 10 + (c - '0');
        }
        return index < list.size() ? list.get(index) : null;
    }

    @Override
    public String toString() {
        return text;
    }
}
