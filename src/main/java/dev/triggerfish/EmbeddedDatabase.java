package dev.triggerfish;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The embedded PostgreSQL of the run command: real PostgreSQL binaries from Maven Central, started
 * before Quarkus when no external database is configured, with a data directory that survives
 * restarts ({@code triggerfish.data-dir} / {@code TRIGGERFISH_DATA_DIR}, default {@code ~/.triggerfish}).
 * It sets the datasource properties that Quarkus then reads.
 */
final class EmbeddedDatabase {
    /** Held so that its level is not lost to garbage collection (JUL keeps loggers weakly). */
    private static final java.util.logging.Logger ZONKY_LOG = java.util.logging.Logger.getLogger("io.zonky");
    private static final Logger LOG = Logger.getLogger(EmbeddedDatabase.class);

    private EmbeddedDatabase() {
    }

    static void startIfNoneConfigured() throws IOException {
        if (setting("quarkus.datasource.reactive.url").isPresent()) {
            return;
        }
        if (setting("triggerfish.embedded-postgres.enabled").map(Boolean::parseBoolean).orElse(true).equals(false)) {
            return;
        }
        Path dataDir = dataDir();
        Path pgData = dataDir.resolve("pgdata");
        Files.createDirectories(pgData);
        int port = setting("triggerfish.embedded-postgres.port").map(Integer::parseInt).orElse(0);
        // PostgreSQL's own startup lines are noise here; warnings and errors still show.
        ZONKY_LOG.setLevel(java.util.logging.Level.WARNING);
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(pgData)
                .setCleanDataDirectory(false)
                .setOverrideWorkingDirectory(dataDir.resolve("pg-runtime").toFile())
                .setServerConfig("max_connections", "200")
                // zonky starts PostgreSQL with -F (fsync off, fine for tests): the run command keeps data, so it syncs
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on");
        if (port > 0) {
            builder.setPort(port);
        }
        EmbeddedPostgres postgres = builder.start();
        String url = "postgresql://localhost:" + postgres.getPort() + "/postgres";
        System.setProperty("quarkus.datasource.reactive.url", url);
        System.setProperty("quarkus.datasource.username", "postgres");
        LOG.infof("embedded PostgreSQL on port %d, data in %s (set QUARKUS_DATASOURCE_REACTIVE_URL to use your own)", postgres.getPort(), pgData);
    }

    /** The directory of Triggerfish's own data. */
    static Path dataDir() {
        return DataDirectory.of(setting("triggerfish.data-dir"));
    }

    /** A setting read before Quarkus starts: a system property, or its environment variable form. */
    static Optional<String> setting(String key) {
        String value = System.getProperty(key);
        if (value == null) {
            value = System.getenv(key.toUpperCase().replaceAll("[^A-Z0-9]", "_"));
        }
        return Optional.ofNullable(value).filter(v -> !v.isBlank());
    }
}
