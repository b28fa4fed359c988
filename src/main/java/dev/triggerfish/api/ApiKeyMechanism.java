package dev.triggerfish.api;

import dev.triggerfish.support.FieldError;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.identity.request.BaseAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Set;

/**
 * API keys through Quarkus' own security layer: the key ({@code Authorization: Bearer <key>} or
 * {@code X-API-Key}) becomes a security identity whose roles are its scopes, before any route runs.
 * Which paths need one is decided by {@code quarkus.http.auth.permission.*} on the normalised path,
 * and again, per resource method actually dispatched, by {@link ScopeCheck}: no spelling of a path
 * reaches a resource without a key.
 * <p>The dashboard ({@code /ui}) is opened by a browser, which cannot send a header on a page load: there,
 * and only for reading (GET, HEAD), the key may also come in the {@value #UI_COOKIE} cookie that its
 * sign-in form sets (HttpOnly, SameSite=Strict, Path=/ui). A person without a valid one is sent to the
 * sign-in form instead of answered with problem+json.
 */
@ApplicationScoped
public class ApiKeyMechanism implements HttpAuthenticationMechanism {
    static final String KEY_ATTRIBUTE = "triggerfish.api-key";
    public static final String UI_COOKIE = "triggerfish_ui_key";
    public static final String UI_SIGN_IN = "/ui/sign-in";

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identities) {
        String presented = presentedKey(context.request());
        if (presented == null) {
            String cookie = dashboardCookie(context);
            if (cookie == null) {
                return Uni.createFrom().optional(java.util.Optional.empty()); // anonymous: the permission decides
            }
            // a revoked key's cookie is no key at all: the person is sent to sign in again, not locked out of the form
            return identities.authenticate(HttpSecurityUtils.setRoutingContextAttribute(new KeyRequest(cookie), context))
                    .onFailure(AuthenticationFailedException.class).recoverWithNull();
        }
        return identities.authenticate(HttpSecurityUtils.setRoutingContextAttribute(new KeyRequest(presented), context));
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", "Bearer"));
    }

    /** 401 as problem+json, like every other error of the API. */
    @Override
    public Uni<Boolean> sendChallenge(RoutingContext context) {
        if (isDashboard(context)) {
            context.response().setStatusCode(303).putHeader(HttpHeaders.LOCATION, UI_SIGN_IN).putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end();
            return Uni.createFrom().item(true);
        }
        ProblemMapper.write(context, 401, "Unauthorized", "send a valid API key as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'",
                List.of(new FieldError("Authorization", "missing, unknown or revoked API key")), "WWW-Authenticate", "Bearer");
        return Uni.createFrom().item(true);
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(KeyRequest.class);
    }

    static String presentedKey(HttpServerRequest request) {
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String key = authorization.substring(7).trim();
            return key.isEmpty() ? null : key;
        }
        String key = request.getHeader("X-API-Key");
        return key == null || key.isBlank() ? null : key.trim();
    }

    /** The dashboard's cookie, on a reading request to a dashboard page only; null elsewhere (the API's rules are unchanged). */
    static String dashboardCookie(RoutingContext context) {
        String method = context.request().method().name();
        if (!isDashboard(context) || !("GET".equals(method) || "HEAD".equals(method))) {
            return null;
        }
        io.vertx.core.http.Cookie cookie = context.request().getCookie(UI_COOKIE);
        if (cookie == null || cookie.getValue().isBlank()) {
            return null;
        }
        try {
            return java.net.URLDecoder.decode(cookie.getValue(), java.nio.charset.StandardCharsets.UTF_8); // the form encodes it
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Decided on the normalised path, like the permissions: {@code /ui/../api/x} is the API. */
    static boolean isDashboard(RoutingContext context) {
        String path = context.normalizedPath();
        return "/ui".equals(path) || path.startsWith("/ui/");
    }

    /** A presented key, to be checked by {@link KeyIdentityProvider}. */
    static final class KeyRequest extends BaseAuthenticationRequest {
        final String key;

        KeyRequest(String key) {
            this.key = key;
        }
    }

    /** Turns a known key into an identity: its name is the principal, its scopes the roles. */
    @ApplicationScoped
    static class KeyIdentityProvider implements IdentityProvider<KeyRequest> {
        private final ApiKeys keys;

        KeyIdentityProvider(ApiKeys keys) {
            this.keys = keys;
        }

        @Override
        public Class<KeyRequest> getRequestType() {
            return KeyRequest.class;
        }

        @Override
        public Uni<SecurityIdentity> authenticate(KeyRequest request, AuthenticationRequestContext context) {
            return keys.find(request.key)
                    .map(found -> {
                        ApiKey key = found.orElseThrow(AuthenticationFailedException::new);
                        QuarkusSecurityIdentity.Builder identity = QuarkusSecurityIdentity.builder()
                                .setPrincipal(new QuarkusPrincipal(key.name()))
                                .addAttribute(KEY_ATTRIBUTE, key);
                        key.scopes().forEach(s -> identity.addRole(s.wire()));
                        return identity.build();
                    });
        }
    }
}
