package dev.triggerfish.action;

import jakarta.inject.Singleton;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import java.util.Map;
import java.util.TreeMap;

/** Every action handler, by type. */
@Singleton
public class ActionRegistry {
    private final Map<String, ActionHandler> byType = new TreeMap<>();

    @Inject
    public ActionRegistry(Instance<ActionHandler> handlers) {
        handlers.forEach(this::register);
    }

    /** A registry of exactly these handlers (for plain-Java tests and tools). */
    public static ActionRegistry of(ActionHandler... handlers) {
        ActionRegistry registry = new ActionRegistry();
        for (ActionHandler h : handlers) {
            registry.register(h);
        }
        return registry;
    }

    /** A registry of every built-in handler. */
    public static ActionRegistry builtIn() {
        return of(BuiltInActions.all());
    }

    private ActionRegistry() {
    }

    private void register(ActionHandler handler) {
        byType.put(handler.type(), handler);
    }

    public ActionHandler find(String type) {
        return type == null ? null : byType.get(type);
    }

    public String types() {
        return String.join(", ", byType.keySet());
    }
}
