package dev.triggerfish.action;

import jakarta.inject.Singleton;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;

/** {@code webhook}: an HTTP call with templated headers and body; non-2xx is a failure. */
@Singleton
public class WebhookAction implements ActionHandler {
    static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");

    @Override
    public String type() {
        return "webhook";
    }

    @Override
    public void validate(ConfigCheck action) {
        action.requireText("url");
        if (action.object().get("url") instanceof String url && !url.isBlank()) {
            checkUrl(action, url);
        }
        Object method = action.object().get("method");
        if (method != null && !(method instanceof String m && METHODS.contains(m.toUpperCase(Locale.ROOT)))) {
            action.error("method", "must be one of: GET, POST, PUT, PATCH, DELETE (was '" + method + "')");
        }
        action.optionalStringMap("headers");
        action.optionalInt("timeout_seconds", 1, 300);
    }

    private static void checkUrl(ConfigCheck action, String url) {
        if (url.startsWith("{{")) {
            return;
        }
        try {
            URI uri = new URI(url.replaceAll("\\{\\{[^}]*}}|\\{[a-z_]+}", "x"));
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                action.error("url", "must be an absolute http or https URL");
            } else if (uri.getHost() == null) {
                action.error("url", "has no host");
            }
        } catch (URISyntaxException e) {
            action.error("url", "is not a valid URL: " + e.getReason());
        }
    }
}
