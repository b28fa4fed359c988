package dev.triggerfish.api;

import dev.triggerfish.DataDirectory;
import dev.triggerfish.support.Notifications;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The API keys accepted, known only by their SHA-256: the bootstrap keys ({@code triggerfish.api.keys},
 * or, when none is configured, one generated at first start into {@code <data-dir>/api-key}, readable
 * by its owner only, never logged), both with every scope; and the keys created through
 * {@code /api/keys}, kept in memory and reloaded whenever a replica changes one (notification) and
 * every {@code triggerfish.api.key-refresh}.
 */
@Startup
@ApplicationScoped
public class ApiKeys {
    public static final String CHANNEL = "triggerfish_api_keys";
    private static final Logger LOG = Logger.getLogger(ApiKeys.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ApiConfig config;
    private final Optional<String> dataDir;
    private final ApiKeyStore store;
    private final Notifications notifications;
    private Map<ByteBuffer, ApiKey> bootstrap = Map.of();
    private volatile Map<ByteBuffer, ApiKey> stored = Map.of();
    /** Whether the stored keys were read at least once (the table may not exist yet while Flyway migrates). */
    private volatile boolean loaded;

    public ApiKeys(ApiConfig config, @ConfigProperty(name = "triggerfish.data-dir") Optional<String> dataDir, ApiKeyStore store,
                   Notifications notifications) {
        this.config = config;
        this.dataDir = dataDir;
        this.store = store;
        this.notifications = notifications;
    }

    @PostConstruct
    void load() {
        List<String> configured = config.keys().orElse(List.of()).stream().map(String::trim).filter(k -> !k.isEmpty()).toList();
        String name = configured.isEmpty() ? "first-run" : "bootstrap";
        List<String> accepted = configured.isEmpty() ? List.of(generatedKey()) : configured;
        Map<ByteBuffer, ApiKey> keys = new HashMap<>();
        accepted.forEach(k -> keys.put(ByteBuffer.wrap(hash(k)), new ApiKey(0, name, EnumSet.of(Scope.ADMIN))));
        bootstrap = Map.copyOf(keys);
        notifications.listen(CHANNEL, () -> reload().subscribe().with(ignored -> { }, e -> LOG.warn("could not reload the API keys", e)));
    }

    /** The key presented, if it is one of ours and not revoked. */
    public Uni<Optional<ApiKey>> find(String presented) {
        ByteBuffer digest = ByteBuffer.wrap(hash(presented));
        ApiKey known = bootstrap.get(digest);
        if (known != null) {
            return Uni.createFrom().item(Optional.of(known));
        }
        Uni<Void> ready = loaded ? Uni.createFrom().voidItem() : reload();
        return ready.map(ignored -> Optional.ofNullable(stored.get(digest)));
    }

    /** Reads the stored keys again (after a change here, a notification, or on a timer). */
    public Uni<Void> reload() {
        return store.active()
                .invoke(keys -> {
                    stored = keys;
                    loaded = true;
                })
                .replaceWithVoid()
                .onFailure().invoke(e -> LOG.debugf("stored API keys not loaded: %s", e.getMessage()))
                .onFailure().recoverWithItem((Void) null);
    }

    @io.quarkus.scheduler.Scheduled(every = "${triggerfish.api.key-refresh}", delayed = "30s")
    Uni<Void> refresh() {
        return reload();
    }

    /** A new key: {@code tfk_} and 32 random bytes in hex. */
    static String newKey() {
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        return "tfk_" + HexFormat.of().formatHex(random);
    }

    public static byte[] hash(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private String generatedKey() {
        Path file = DataDirectory.of(dataDir).resolve("api-key");
        try {
            if (Files.exists(file)) {
                return Files.readString(file).trim();
            }
            Files.createDirectories(file.toAbsolutePath().getParent());
            String key = newKey();
            Files.writeString(file, key + "\n");
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                LOG.debug("POSIX permissions are not supported on this file system");
            }
            LOG.infof("no API key configured (triggerfish.api.keys): generated one in %s", file.toAbsolutePath());
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write the API key file " + file, e);
        }
    }
}
