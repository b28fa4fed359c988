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
 */
@ApplicationScoped
public class ApiKeyMechanism implements HttpAuthenticationMechanism {
    static final String KEY_ATTRIBUTE = "triggerfish.api-key";

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identities) {
        String presented = presentedKey(context.request());
        if (presented == null) {
            return Uni.createFrom().optional(java.util.Optional.empty()); // anonymous: the permission decides
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
