package dev.triggerfish.support;

import jakarta.inject.Singleton;

import java.util.UUID;

/** This process's name on claims ({@code claimed_by}): host name and a random suffix, unique per start. */
@Singleton
public class ReplicaId {
    private final String id;

    public ReplicaId() {
        String host = System.getenv().getOrDefault("HOSTNAME", "triggerfish");
        this.id = host + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public String id() {
        return id;
    }

    @Override
    public String toString() {
        return id;
    }
}
