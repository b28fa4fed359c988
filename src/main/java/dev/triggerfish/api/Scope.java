package dev.triggerfish.api;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What an API key may do: {@code read} (every GET, and the read-only POSTs such as explain),
 * {@code write} (every change: triggers, records, events, runs; implies read), {@code admin} (keys and
 * the audit trail; implies write).
 */
public enum Scope {
    READ, WRITE, ADMIN;

    /** The name on the wire and in the security identity's roles. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** This scope and every scope it implies. */
    public Set<Scope> implied() {
        return switch (this) {
            case READ -> EnumSet.of(READ);
            case WRITE -> EnumSet.of(READ, WRITE);
            case ADMIN -> EnumSet.allOf(Scope.class);
        };
    }

    public static Optional<Scope> parse(String text) {
        for (Scope s : values()) {
            if (s.wire().equals(text)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
