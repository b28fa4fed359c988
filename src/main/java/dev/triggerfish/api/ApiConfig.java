package dev.triggerfish.api;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.List;
import java.util.Optional;

/** Settings of the HTTP API. */
@ConfigMapping(prefix = "triggerfish")
public interface ApiConfig {

    /** Directory of Triggerfish's own files (embedded database, generated API key). */
    @WithDefault("${user.home}/.triggerfish")
    String dataDir();

    /** API settings. */
    Api api();

    interface Api {
        /**
         * Keys accepted in {@code Authorization: Bearer <key>} or {@code X-API-Key}. When none is set,
         * one is generated at first start and written to {@code <data-dir>/api-key} (never logged).
         */
        Optional<List<String>> keys();
    }
}
