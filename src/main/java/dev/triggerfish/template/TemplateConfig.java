package dev.triggerfish.template;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Bounds of one template render; past any of them the step fails with the reason. */
@ConfigMapping(prefix = "triggerfish.template")
public interface TemplateConfig {

    /** Characters one template may render. */
    @WithDefault("1048576")
    int maxRenderedChars();

    /** Section iterations ({@code {{#list}}…{{/list}}}, nested ones included) one template may run. */
    @WithDefault("100000")
    int maxIterations();

    /** Time one template may take to render. */
    @WithDefault("500ms")
    Duration maxRenderTime();
}
