package dev.triggerfish.api;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Map;

/**
 * Requests too large to serve are answered as problem+json naming what is too large: 413 for the
 * body, 414 for the URI, 431 for the headers.
 *
 * <p>Vert.x refuses these itself in its HTTP decoder, with an empty answer, and Quarkus offers no
 * hook there (Vert.x' {@code HttpServer.invalidRequestHandler} is not exposed). So the decoder's
 * limits ({@code quarkus.http.limits.max-initial-line-length}, {@code max-header-size}) are set
 * well above ours, and this route, the first of the router, applies ours. Only a request beyond
 * the decoder's limits still gets Vert.x' empty 414/431. The body limit is Quarkus'
 * {@code quarkus.http.limits.max-body-size}, checked here on {@code Content-Length} before Quarkus'
 * own check would answer it without a body. (A chunked body, without {@code Content-Length}, is only
 * measured while the REST layer reads it, and that answers an empty 413.)
 *
 * <p>A URI holding an encoded NUL ({@code %00}) is refused here too (400): no path or query value
 * with a NUL can be stored in or looked up from PostgreSQL, which would otherwise answer 500.
 */
@ApplicationScoped
public class HttpLimits {
    private final int maxUriLength;
    private final long maxHeaderSize;
    private final long maxBodySize;

    /** @param maxBodySize Quarkus' own limit, read here to answer it with a body (its default is Quarkus'). */
    public HttpLimits(HttpConfig config,
                      @ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "10240K") MemorySize maxBodySize) {
        this.maxUriLength = config.maxUriLength();
        this.maxHeaderSize = config.maxHeaderSize().asLongValue();
        this.maxBodySize = maxBodySize.asLongValue();
    }

    void install(@Observes Router router) {
        // before Quarkus' body-size check (order -2) and every other route
        router.route().order(-100).handler(this::check);
    }

    private void check(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        if (request.uri().length() > maxUriLength) {
            refuse(ctx, 414, "URI too long", "uri", "is " + request.uri().length() + " characters long (at most " + maxUriLength + ")");
            return;
        }
        if (request.uri().contains("%00")) {
            refuse(ctx, 400, "Bad request", "uri", "holds a NUL character (%00), which no path or query value may contain");
            return;
        }
        long headerSize = 0;
        for (Map.Entry<String, String> header : request.headers()) {
            headerSize += header.getKey().length() + header.getValue().length() + 4;
        }
        if (headerSize > maxHeaderSize) {
            refuse(ctx, 431, "Request header fields too large", "headers", "take " + headerSize + " bytes (at most " + maxHeaderSize + ")");
            return;
        }
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null && tooLong(length)) {
            ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
            ctx.response().endHandler(ignored -> request.connection().close());
            refuse(ctx, 413, "Content too large", "$", "the body is " + length + " bytes (at most " + maxBodySize + ")");
            return;
        }
        ctx.next();
    }

    private boolean tooLong(String contentLength) {
        try {
            return Long.parseLong(contentLength.trim()) > maxBodySize;
        } catch (NumberFormatException e) {
            return false; // Vert.x refuses a malformed Content-Length itself
        }
    }

    private static void refuse(RoutingContext ctx, int status, String title, String path, String message) {
        JsonObject body = new JsonObject()
                .put("type", "about:blank")
                .put("title", title)
                .put("status", status)
                .put("detail", path + " " + message)
                .put("errors", new JsonArray().add(new JsonObject().put("path", path).put("message", message)));
        ctx.response()
                .setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, ProblemBody.MEDIA_TYPE)
                .end(body.encode());
    }
}
