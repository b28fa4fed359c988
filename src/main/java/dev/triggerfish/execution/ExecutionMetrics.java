package dev.triggerfish.execution;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The runner's meters, counted where the state change is written: executions by trigger and final
 * status, retries, dead letters, and step durations by action type. Tags stay few: a trigger id
 * (as many as the CRM defines triggers), a status or an action type (fixed sets).
 */
@ApplicationScoped
@io.quarkus.runtime.Startup // its counters are registered at zero when the service starts, not at first use
public class ExecutionMetrics {
    /** Prometheus buckets of step durations: a webhook's tens of milliseconds up to a slow target's timeout. */
    private static final Duration[] STEP_BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(25), Duration.ofMillis(100),
        Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
        Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60)};

    private final MeterRegistry meters;
    /** The meters already registered, found again by their tags without building their ids (this runs for every step). */
    private final Map<List<String>, Timer> stepTimers = new ConcurrentHashMap<>();
    private final Map<List<Object>, Counter> endedCounters = new ConcurrentHashMap<>();
    private final Counter retries;
    private final Counter deadLetters;

    public ExecutionMetrics(MeterRegistry meters) {
        this.meters = meters;
        // registered at zero: an alert on increase() sees the first dead letter after a start, not only the second
        this.deadLetters = deadLetters().register(meters);
        this.retries = Counter.builder("triggerfish.execution.retries").description("durable retries scheduled after a transient failure")
                .register(meters);
    }

    private static Counter.Builder deadLetters() {
        return Counter.builder("triggerfish.dead.letters")
                .description("executions failed for good (listed by ?status=failed; replay with POST /api/executions/{id}/retry)");
    }

    /** An execution reached a final status (or retrying, which is counted as a retry). */
    public void ended(long triggerId, ExecutionStatus status) {
        if (status == ExecutionStatus.RETRYING) {
            retries.increment();
            return;
        }
        if (!status.ended()) {
            return;
        }
        endedCounters.computeIfAbsent(List.of(triggerId, status), key -> Counter.builder("triggerfish.executions.ended")
                        .description("executions that reached a final status, by trigger and status")
                        .tag("trigger", Long.toString(triggerId)).tag("status", status.wireName())
                        .register(meters))
                .increment();
        if (status == ExecutionStatus.FAILED) {
            deadLetters.increment();
        }
    }

    /** One step's run, by action type and step status (completed, failed, skipped). */
    public void step(String actionType, String stepStatus, long durationMs) {
        stepTimers.computeIfAbsent(List.of(actionType, stepStatus), key -> Timer.builder("triggerfish.step.duration")
                        .description("how long one action step took, by action type and step status")
                        .tag("action_type", actionType).tag("status", stepStatus)
                        .serviceLevelObjectives(STEP_BUCKETS)
                        .register(meters))
                .record(Duration.ofMillis(durationMs));
    }
}
