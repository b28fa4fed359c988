package dev.triggerfish.action;

import dev.triggerfish.support.FieldError;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks the fields of one JSON object (an action, a rate limit…) and records each bad one with its
 * JSON path, so a caller can report every error at once.
 */
public final class ConfigCheck {
    private final Map<String, Object> object;
    private final String path;
    private final List<FieldError> errors;

    public ConfigCheck(Map<String, Object> object, String path, List<FieldError> errors) {
        this.object = object;
        this.path = path;
        this.errors = errors;
    }

    public Map<String, Object> object() {
        return object;
    }

    public String path(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    public void error(String key, String message) {
        errors.add(new FieldError(path(key), message));
    }

    public boolean has(String key) {
        return object.get(key) != null;
    }

    /** A non-blank string. */
    public void requireText(String key) {
        Object v = object.get(key);
        if (v == null) {
            error(key, "is required");
        } else if (!(v instanceof String s) || s.isBlank()) {
            error(key, "must be a non-empty string");
        }
    }

    public void optionalText(String key) {
        Object v = object.get(key);
        if (v != null && !(v instanceof String)) {
            error(key, "must be a string");
        }
    }

    /** An identifier: a number or a non-blank string (templates allowed). */
    public void requireId(String key) {
        Object v = object.get(key);
        if (v == null) {
            error(key, "is required");
        } else {
            checkId(key, v);
        }
    }

    public void optionalId(String key) {
        Object v = object.get(key);
        if (v != null) {
            checkId(key, v);
        }
    }

    private void checkId(String key, Object v) {
        if (!(v instanceof Number) && !(v instanceof String s && !s.isBlank())) {
            error(key, "must be a number or a non-empty string");
        }
    }

    /** A whole number in [min, max]. */
    public void optionalInt(String key, long min, long max) {
        Object v = object.get(key);
        if (v == null) {
            return;
        }
        if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
            error(key, "must be a whole number");
        } else if (n.longValue() < min || n.longValue() > max) {
            error(key, "must be between " + min + " and " + max);
        }
    }

    public void requireInt(String key, long min, long max) {
        if (object.get(key) == null) {
            error(key, "is required");
        } else {
            optionalInt(key, min, max);
        }
    }

    /** A number (fractions allowed) in [min, max]. */
    public void optionalNumber(String key, double min, double max) {
        Object v = object.get(key);
        if (v == null) {
            return;
        }
        if (!(v instanceof Number n)) {
            error(key, "must be a number");
        } else if (n.doubleValue() < min || n.doubleValue() > max) {
            error(key, "must be between " + min + " and " + max);
        }
    }

    public void optionalBoolean(String key) {
        Object v = object.get(key);
        if (v != null && !(v instanceof Boolean)) {
            error(key, "must be true or false");
        }
    }

    /** One of {@code allowed} (a string). */
    public void oneOf(String key, Set<String> allowed, boolean required) {
        Object v = object.get(key);
        if (v == null) {
            if (required) {
                error(key, "is required (one of: " + String.join(", ", allowed) + ")");
            }
        } else if (!(v instanceof String s) || !allowed.contains(s)) {
            error(key, "must be one of: " + String.join(", ", allowed) + " (was '" + v + "')");
        }
    }

    /** A JSON object whose values are all strings (headers, mappings). */
    public void optionalStringMap(String key) {
        Object v = object.get(key);
        if (v == null) {
            return;
        }
        if (!(v instanceof Map<?, ?> map)) {
            error(key, "must be an object");
            return;
        }
        map.forEach((k, value) -> {
            if (!(value instanceof String)) {
                errors.add(new FieldError(path(key) + "." + k, "must be a string"));
            }
        });
    }

    public void optionalObject(String key) {
        Object v = object.get(key);
        if (v != null && !(v instanceof Map<?, ?>)) {
            error(key, "must be an object");
        }
    }

    /** At least one of {@code keys} is present. */
    public void requireOneOf(String... keys) {
        for (String key : keys) {
            if (object.get(key) != null) {
                return;
            }
        }
        errors.add(new FieldError(path.isEmpty() ? "$" : path, "needs one of: " + String.join(", ", keys)));
    }
}
