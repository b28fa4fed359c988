package dev.triggerfish.api;

import io.smallrye.config.ConfigMapping;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Settings of the HTTP API. */
@ConfigMapping(prefix = "triggerfish.api")
public interface ApiConfig {

    /**
     * Bootstrap keys, accepted with every scope in {@code Authorization: Bearer <key>} or
     * {@code X-API-Key}. When none is set, one is generated at first start and written to
     * {@code <triggerfish.data-dir>/api-key} (never logged).
     */
    Optional<List<String>> keys();

    /**
     * {@code permit} (default) or {@code authenticated}: whether {@code /q/metrics} and {@code /q/openapi}
     * need a key. Read by {@code quarkus.http.auth.permission.operations.policy} in application.properties,
     * where its default is.
     */
    String operationsPolicy();

    /**
     * How often every replica reads the stored keys again, besides the notification a change sends. Read
     * by the {@code @Scheduled} expression of {@link ApiKeys}; its default is in application.properties.
     */
    Duration keyRefresh();
}
