package dev.triggerfish.api;

import java.util.EnumSet;
import java.util.Set;

/**
 * An accepted API key, as the service knows it: never the key itself.
 *
 * @param id     its row in {@code api_keys}; 0 for a bootstrap key (configuration or first-run file)
 * @param name   who uses it ({@code crm-sync}); recorded as the actor of every change made with it
 * @param scopes what it may do, implied scopes included
 */
public record ApiKey(long id, String name, Set<Scope> scopes) {
    public ApiKey {
        EnumSet<Scope> all = EnumSet.noneOf(Scope.class);
        scopes.forEach(s -> all.addAll(s.implied()));
        scopes = Set.copyOf(all);
    }

    public boolean allows(Scope scope) {
        return scopes.contains(scope);
    }
}
