package dev.triggerfish.api;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Request limits answered as problem+json by {@link HttpLimits} (the body limit is Quarkus' own key). */
@ConfigMapping(prefix = "triggerfish.http")
public interface HttpConfig {

    /** Longer URIs are answered 414. */
    @WithDefault("4096")
    int maxUriLength();

    /** Larger request headers (names and values) are answered 431. */
    @WithDefault("20K")
    MemorySize maxHeaderSize();
}
