package dev.triggerfish.trigger;

import java.util.LinkedHashMap;
import java.util.Map;

/** JSON merge patch (RFC 7386): objects merge key by key, a null removes, anything else replaces. */
final class MergePatch {
    private MergePatch() {
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> apply(Map<String, Object> target, Map<String, Object> patch) {
        Map<String, Object> result = new LinkedHashMap<>(target);
        patch.forEach((key, value) -> {
            if (value == null) {
                result.remove(key);
            } else if (value instanceof Map<?, ?> patchMap && result.get(key) instanceof Map<?, ?> targetMap) {
                result.put(key, apply((Map<String, Object>) targetMap, (Map<String, Object>) patchMap));
            } else {
                result.put(key, value);
            }
        });
        return result;
    }
}
