package dev.triggerfish.dashboard;

import dev.triggerfish.api.ApiKeyMechanism;
import dev.triggerfish.api.ApiKeys;
import dev.triggerfish.api.ApiProblem;
import dev.triggerfish.api.AuthenticatedBySender;
import dev.triggerfish.support.FieldError;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * How a person signs in to the dashboard: the sign-in form posts an API key, which, when it is a known
 * one, is kept in an HttpOnly, SameSite=Strict cookie for {@code /ui} only ({@link ApiKeyMechanism}
 * reads it there, for reading requests). The key never appears in a URL or a page.
 */
@Path("/ui")
public class SignInResource {
    private static final String FORM = "application/x-www-form-urlencoded";
    /** A working day; signing in again is one paste. */
    private static final int COOKIE_SECONDS = 8 * 3600;

    private final ApiKeys keys;
    private final Pages pages;
    private final Template signIn;

    public SignInResource(ApiKeys keys, Pages pages, @Location("dashboard/sign-in.html") Template signIn) {
        this.keys = keys;
        this.pages = pages;
        this.signIn = signIn;
    }

    @GET
    @Path("sign-in")
    @AuthenticatedBySender // the form itself: anyone may see it
    public Uni<Response> form() {
        return pages.render(200, signIn.data("message", null));
    }

    @POST
    @Path("sign-in")
    @AuthenticatedBySender // proves its caller by the key it posts
    public Uni<Response> signIn(@HeaderParam("Content-Type") String type, String body, @Context HttpServerRequest request) {
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith(FORM)) {
            throw new ApiProblem(415, "Unsupported media type", "the sign-in form is sent as " + FORM,
                    List.of(new FieldError("Content-Type", "must be " + FORM)));
        }
        String key = field(body, "api_key");
        if (key == null || key.isBlank()) {
            return pages.render(400, signIn.data("message", "Enter an API key."));
        }
        return keys.find(key.trim()).flatMap(found -> found.isPresent()
                ? Uni.createFrom().item(Response.seeOther(java.net.URI.create("/ui"))
                        .header("Set-Cookie", cookie(URLEncoder.encode(key.trim(), StandardCharsets.UTF_8), COOKIE_SECONDS, request))
                        .header("Cache-Control", "no-store")
                        .build())
                : pages.render(401, signIn.data("message", "That API key is unknown or revoked.")));
    }

    @POST
    @Path("sign-out")
    @AuthenticatedBySender // forgets the caller's own cookie, nothing else
    public Response signOut(@Context HttpServerRequest request) {
        return Response.seeOther(java.net.URI.create(ApiKeyMechanism.UI_SIGN_IN))
                .header("Set-Cookie", cookie("", 0, request))
                .build();
    }

    private static String cookie(String value, int maxAge, HttpServerRequest request) {
        boolean secure = request.isSSL() || "https".equalsIgnoreCase(request.getHeader("X-Forwarded-Proto"));
        return ApiKeyMechanism.UI_COOKIE + "=" + value + "; Path=/ui; Max-Age=" + maxAge + "; HttpOnly; SameSite=Strict"
                + (secure ? "; Secure" : "");
    }

    /** One field of a form body; null when absent. */
    private static String field(String body, String name) {
        for (String pair : (body == null ? "" : body).split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (name.equals(key)) {
                try {
                    return URLDecoder.decode(eq < 0 ? "" : pair.substring(eq + 1), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    throw ApiProblem.badRequest(name, "is not form-encoded");
                }
            }
        }
        return null;
    }
}
