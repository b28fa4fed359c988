package dev.triggerfish.api;

import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * The API keys accepted: {@code triggerfish.api.keys}, or, when none is configured, one generated at
 * first start and kept in {@code <data-dir>/api-key} (readable by its owner only; never logged).
 */
@Startup
@ApplicationScoped
public class ApiKeys {
    private static final Logger LOG = Logger.getLogger(ApiKeys.class);

    private final ApiConfig config;
    private final String dataDir;
    private List<byte[]> keys = List.of();

    public ApiKeys(ApiConfig config, @ConfigProperty(name = "triggerfish.data-dir", defaultValue = "${user.home}/.triggerfish") String dataDir) {
        this.config = config;
        this.dataDir = dataDir;
    }

    @PostConstruct
    void load() {
        List<String> configured = config.keys().orElse(List.of()).stream().map(String::trim).filter(k -> !k.isEmpty()).toList();
        List<String> accepted = configured.isEmpty() ? List.of(generatedKey()) : configured;
        keys = accepted.stream().map(k -> k.getBytes(StandardCharsets.UTF_8)).toList();
    }

    /** Compares in constant time against every key. */
    public boolean accepts(byte[] presented) {
        boolean ok = false;
        for (byte[] key : keys) {
            ok |= MessageDigest.isEqual(key, presented);
        }
        return ok;
    }

    private String generatedKey() {
        Path file = Path.of(dataDir, "api-key");
        try {
            if (Files.exists(file)) {
                return Files.readString(file).trim();
            }
            Files.createDirectories(file.toAbsolutePath().getParent());
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            String key = HexFormat.of().formatHex(random);
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
