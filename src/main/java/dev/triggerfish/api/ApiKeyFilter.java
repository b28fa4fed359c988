package dev.triggerfish.api;

import io.quarkus.runtime.StartupEvent;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

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
import java.util.Optional;

/**
 * Every {@code /api/*} request carries an API key ({@code Authorization: Bearer <key>} or
 * {@code X-API-Key}); operations endpoints under {@code /q/*} stay open for probes and scrapers.
 */
@Singleton
public class ApiKeyFilter {
    private static final Logger LOG = Logger.getLogger(ApiKeyFilter.class);

    private final ApiConfig config;
    private volatile List<byte[]> keys = List.of();

    public ApiKeyFilter(ApiConfig config) {
        this.config = config;
    }

    void onStart(@Observes StartupEvent event) {
        List<String> configured = config.api().keys().orElse(List.of()).stream().filter(k -> !k.isBlank()).toList();
        List<String> accepted = configured.isEmpty() ? List.of(generatedKey()) : configured;
        keys = accepted.stream().map(k -> k.trim().getBytes(StandardCharsets.UTF_8)).toList();
    }

    @ServerRequestFilter
    public Optional<Response> authenticate(HttpServerRequest request) {
        if (!request.path().startsWith("/api/")) {
            return Optional.empty();
        }
        String presented = presentedKey(request);
        if (presented != null && accepts(presented.getBytes(StandardCharsets.UTF_8))) {
            return Optional.empty();
        }
        Response problem = ProblemMapper.respond(401, "Unauthorized",
                "send an API key as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'", request, List.of());
        return Optional.of(Response.fromResponse(problem).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build());
    }

    private boolean accepts(byte[] presented) {
        boolean ok = false;
        for (byte[] key : keys) {
            ok |= MessageDigest.isEqual(key, presented);
        }
        return ok;
    }

    private static String presentedKey(HttpServerRequest request) {
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return authorization.substring(7).trim();
        }
        return request.getHeader("X-API-Key");
    }

    /** The key kept in {@code <data-dir>/api-key}, created on first use; only its location is logged. */
    private String generatedKey() {
        Path file = Path.of(config.dataDir(), "api-key");
        try {
            if (Files.exists(file)) {
                return Files.readString(file).trim();
            }
            Files.createDirectories(file.getParent());
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            String key = HexFormat.of().formatHex(random);
            Files.writeString(file, key + "\n");
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                LOG.debug("file permissions not supported here");
            }
            LOG.infof("no API key configured (triggerfish.api.keys): generated one in %s", file);
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write the API key file " + file, e);
        }
    }
}
