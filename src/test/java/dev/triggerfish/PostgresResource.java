package dev.triggerfish;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The PostgreSQL of the test suite: an embedded one (real binaries, fresh data directory under
 * {@code target/}) unless {@code TRIGGERFISH_TEST_DB_URL} names an external server
 * ({@code postgresql://host:5432/db}, with {@code TRIGGERFISH_TEST_DB_USER} and
 * {@code TRIGGERFISH_TEST_DB_PASSWORD}).
 */
public class PostgresResource implements QuarkusTestResourceLifecycleManager {
    /** Held so that its level is not lost to garbage collection (JUL keeps loggers weakly). */
    private static final java.util.logging.Logger ZONKY_LOG = java.util.logging.Logger.getLogger("io.zonky");
    private EmbeddedPostgres postgres;

    @Override
    public Map<String, String> start() {
        String external = System.getenv("TRIGGERFISH_TEST_DB_URL");
        if (external != null && !external.isBlank()) {
            return Map.of(
                    "quarkus.datasource.reactive.url", external,
                    "quarkus.datasource.username", env("TRIGGERFISH_TEST_DB_USER", "postgres"),
                    "quarkus.datasource.password", env("TRIGGERFISH_TEST_DB_PASSWORD", ""));
        }
        postgres = start(new File("target/embedded-pg"));
        return Map.of(
                "quarkus.datasource.reactive.url", "postgresql://localhost:" + postgres.getPort() + "/postgres",
                "quarkus.datasource.username", "postgres");
    }

    /** A fresh embedded PostgreSQL whose files live under {@code dir}. */
    public static EmbeddedPostgres start(File dir) {
        try {
            // PostgreSQL's own startup lines are noise here; warnings and errors still show.
            ZONKY_LOG.setLevel(java.util.logging.Level.WARNING);
            return EmbeddedPostgres.builder()
                    .setOverrideWorkingDirectory(new File(dir, "runtime"))
                    .setDataDirectory(new File(dir, "data-" + ProcessHandle.current().pid()))
                    .setCleanDataDirectory(true)
                    .setServerConfig("fsync", "off")
                    .setServerConfig("max_connections", "200")
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null ? fallback : value;
    }
}
