package dev.triggerfish.api;

import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Singleton;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * Every {@code /api/*} request carries an API key ({@code Authorization: Bearer <key>} or
 * {@code X-API-Key}); operations endpoints under {@code /q/*} stay open for probes and scrapers.
 */
@Singleton
public class ApiKeyFilter {
    private final ApiKeys keys;

    public ApiKeyFilter(ApiKeys keys) {
        this.keys = keys;
    }

    @ServerRequestFilter
    public Optional<Response> authenticate(HttpServerRequest request) {
        if (!request.path().startsWith("/api/")) {
            return Optional.empty();
        }
        String presented = presentedKey(request);
        if (presented != null && keys.accepts(presented.getBytes(StandardCharsets.UTF_8))) {
            return Optional.empty();
        }
        Response problem = ProblemMapper.respond(401, "Unauthorized",
                "send an API key as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'", request, List.of());
        return Optional.of(Response.fromResponse(problem).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build());
    }

    private static String presentedKey(HttpServerRequest request) {
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return authorization.substring(7).trim();
        }
        return request.getHeader("X-API-Key");
    }
}
