package dev.triggerfish.api;

import dev.triggerfish.support.FieldError;
import jakarta.inject.Singleton;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The second lock: after routing, the resource method that is about to run (whatever spelling of the
 * path led to it) needs an identity with its scope — {@link RequiresScope} where given, else
 * {@code read} for GET and HEAD and {@code write} for the rest.
 */
@Singleton
public class ScopeCheck {
    private static final Set<String> READING = Set.of("GET", "HEAD", "OPTIONS");
    private final Map<Method, Optional<Scope>> declared = new ConcurrentHashMap<>();

    @ServerRequestFilter
    public Optional<Response> check(ContainerRequestContext request, ResourceInfo resource) {
        if (resource.getResourceMethod().isAnnotationPresent(AuthenticatedBySender.class)) {
            return Optional.empty(); // the method proves its caller (a webhook's signature)
        }
        Scope needed = declared.computeIfAbsent(resource.getResourceMethod(), m -> declaredScope(m, resource.getResourceClass()))
                .orElse(READING.contains(request.getMethod()) ? Scope.READ : Scope.WRITE);
        SecurityContext security = request.getSecurityContext();
        if (security == null || security.getUserPrincipal() == null) {
            return Optional.of(problem(401, "Unauthorized", "send a valid API key as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'"));
        }
        if (!security.isUserInRole(needed.wire())) {
            return Optional.of(problem(403, "Forbidden", "the API key '" + security.getUserPrincipal().getName() + "' lacks the '"
                    + needed.wire() + "' scope this call needs"));
        }
        return Optional.empty();
    }

    private static Optional<Scope> declaredScope(Method method, Class<?> type) {
        RequiresScope onMethod = method.getAnnotation(RequiresScope.class);
        if (onMethod != null) {
            return Optional.of(onMethod.value());
        }
        RequiresScope onType = type.getAnnotation(RequiresScope.class);
        return onType == null ? Optional.empty() : Optional.of(onType.value());
    }

    private static Response problem(int status, String title, String detail) {
        Response answer = ProblemMapper.respond(status, title, detail, null, List.of(new FieldError("Authorization", detail)));
        return status == 401 ? Response.fromResponse(answer).header("WWW-Authenticate", "Bearer").build() : answer;
    }
}
