package dev.triggerfish.template;

import java.time.Duration;

/**
 * Bounds of one render: what a template may write, how many loop iterations it may run, and for how
 * long, so that nested {@code {{#entity.list}}} sections cannot render without end.
 */
public record TemplateLimits(int maxChars, int maxIterations, Duration maxTime) {
    public static final TemplateLimits DEFAULT = new TemplateLimits(1 << 20, 100_000, Duration.ofMillis(500));

    public static TemplateLimits of(TemplateConfig config) {
        return new TemplateLimits(config.maxRenderedChars(), config.maxIterations(), config.maxRenderTime());
    }
}
