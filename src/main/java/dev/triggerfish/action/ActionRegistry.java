package dev.triggerfish.action;

import dev.triggerfish.template.Secrets;
import jakarta.inject.Singleton;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Every action handler, by type. */
@Singleton
public class ActionRegistry {
    private final Map<String, ActionHandler> byType = new TreeMap<>();
    private Set<String> secretNames = Set.of();

    @Inject
    public ActionRegistry(Instance<ActionHandler> handlers, Secrets secrets) {
        handlers.forEach(this::register);
        this.secretNames = Set.copyOf(secrets.values().keySet());
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

    /** This registry, knowing the names of these secrets (templates of actions that change records may not use them). */
    public ActionRegistry withSecrets(Set<String> names) {
        this.secretNames = Set.copyOf(names);
        return this;
    }

    /** Whether {@code name} names a configured secret. */
    public boolean isSecret(String name) {
        return secretNames.contains(name);
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
