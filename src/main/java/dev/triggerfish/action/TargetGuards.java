package dev.triggerfish.action;

import io.smallrye.faulttolerance.api.TypedGuard;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import jakarta.enterprise.util.TypeLiteral;
import jakarta.inject.Singleton;

import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SmallRye Fault Tolerance around outbound calls, one guard per target (host and port): a few quick
 * in-process retries with exponential backoff and jitter for transient faults, before the step fails
 * and becomes a durable retry; a circuit breaker, so a target that is down is not hammered by every
 * execution; and a bulkhead that bounds the calls in flight to one target.
 */
@Singleton
public class TargetGuards {
    private static final TypeLiteral<Uni<HttpResponse<Buffer>>> CALL = new TypeLiteral<>() { };

    private final WebhookConfig config;
    private final Map<String, TypedGuard<Uni<HttpResponse<Buffer>>>> guards = new ConcurrentHashMap<>();

    public TargetGuards(WebhookConfig config) {
        this.config = config;
    }

    /** The guard of a target, e.g. {@code hooks.slack.com:443}. */
    TypedGuard<Uni<HttpResponse<Buffer>>> of(String target) {
        return guards.computeIfAbsent(target, this::build);
    }

    private TypedGuard<Uni<HttpResponse<Buffer>>> build(String target) {
        WebhookConfig.Guard g = config.guard();
        // the guarded call is a non-blocking Vert.x request: no hop to another thread before it starts
        TypedGuard.Builder<Uni<HttpResponse<Buffer>>> builder = TypedGuard.create(CALL).withDescription("webhook " + target)
                .withThreadOffload(false);
        if (g.retries() > 0) {
            builder.withRetry()
                    .maxRetries(g.retries())
                    .delay(g.retryDelay().toMillis(), ChronoUnit.MILLIS)
                    .jitter(g.retryDelay().toMillis() / 2, ChronoUnit.MILLIS)
                    .retryOn(TransientFault.class)
                    .withExponentialBackoff().factor(2).maxDelay(g.retryDelay().toMillis() * 8, ChronoUnit.MILLIS).done()
                    .done();
        }
        return builder
                .withCircuitBreaker()
                    .name("webhook:" + target)
                    .failOn(TransientFault.class)
                    .requestVolumeThreshold(g.breakerRequests())
                    .failureRatio(g.breakerFailureRatio())
                    .delay(g.breakerDelay().toMillis(), ChronoUnit.MILLIS)
                    .done()
                .withBulkhead()
                    .limit(g.maxConcurrentPerTarget())
                    .queueSize(g.queuePerTarget())
                    .done()
                .build();
    }
}
