package dev.triggerfish.trigger;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/** The spec's examples, written as JSON under {@code src/test/resources/spec/}. */
public final class SpecExamples {
    public static final List<String> TRIGGERS = List.of(
            "01-new-contact-welcome", "02-deal-negotiation-alert", "03-stalled-deal-daily-reminder",
            "04-marketing-qualified-lead", "05-lead-qualification", "06-deal-risk-alert-system",
            "07-customer-onboarding-sequence", "08-high-engagement-detection", "09-highly-engaged-contact-actions",
            "10-conditional-logic", "11-every-action-type");
    public static final List<String> UPDATES = List.of("patch-rate-limiting", "patch-retry-configuration", "patch-debug-mode");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private SpecExamples() {
    }

    public static String text(String name) {
        try (InputStream in = SpecExamples.class.getResourceAsStream("/spec/" + name + ".json")) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> json(String name) {
        try {
            return MAPPER.readValue(text(name), Map.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
