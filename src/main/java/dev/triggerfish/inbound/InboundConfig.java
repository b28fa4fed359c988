package dev.triggerfish.inbound;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Inbound webhooks ({@code POST /api/webhooks/{source}}). */
@ConfigMapping(prefix = "triggerfish.inbound")
public interface InboundConfig {

    /** How far a {@code webhook-timestamp} may be from now, either way, before the delivery is refused (replay protection). */
    @WithDefault("5m")
    Duration tolerance();

    /** Larger payloads are refused with 413 (Quarkus' own body limit stays the outer bound). */
    @WithDefault("256K")
    MemorySize maxPayloadSize();
}
