package dev.triggerfish.api;

import io.smallrye.config.ConfigMapping;

import java.util.List;
import java.util.Optional;

/** Settings of the HTTP API. */
@ConfigMapping(prefix = "triggerfish.api")
public interface ApiConfig {

    /**
     * Keys accepted in {@code Authorization: Bearer <key>} or {@code X-API-Key}. When none is set, one
     * is generated at first start and written to {@code <triggerfish.data-dir>/api-key} (never logged).
     */
    Optional<List<String>> keys();
}
