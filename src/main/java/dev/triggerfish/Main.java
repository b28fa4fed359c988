package dev.triggerfish;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Starts Triggerfish. With no database configured, an embedded PostgreSQL is started first (see
 * {@link EmbeddedDatabase}); with {@code QUARKUS_DATASOURCE_REACTIVE_URL} set, that database is used.
 */
@QuarkusMain
public final class Main {
    private Main() {
    }

    public static void main(String... args) throws Exception {
        EmbeddedDatabase.startIfNoneConfigured();
        Quarkus.run(args);
    }
}
