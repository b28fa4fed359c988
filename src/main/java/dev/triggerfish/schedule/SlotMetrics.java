package dev.triggerfish.schedule;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;

/**
 * The scheduler's meters: slots run, skipped (missed and not caught up, or the trigger deleted or
 * deactivated before the slot ran), and late (started more than the misfire grace after their time),
 * with how long after its time each slot started. The counts are registered at zero when the service
 * starts, so that an alert on their increase sees the first one.
 */
@ApplicationScoped
@io.quarkus.runtime.Startup // its counters are registered at zero when the service starts, not at first use
public class SlotMetrics {
    private final MeterRegistry meters;

    public SlotMetrics(MeterRegistry meters) {
        this.meters = meters;
        // registered at zero: an alert on increase() sees the first late slot after a start, not only the second
        for (String outcome : new String[] {"run", "skipped", "late"}) {
            counter(outcome);
        }
    }

    /** A slot this replica ran, {@code lateness} after its time; late when that is past {@code grace}. */
    public void ran(Duration lateness, Duration grace) {
        slots("run");
        Timer.builder("triggerfish.scheduler.slot.lateness").description("how long after their time slots started")
                .register(meters).record(lateness.isNegative() ? Duration.ZERO : lateness);
        if (lateness.compareTo(grace) > 0) {
            slots("late");
        }
    }

    /** A slot not run: missed and left to its trigger's catch_up, or its trigger deleted or deactivated. */
    public void skipped() {
        slots("skipped");
    }

    private void slots(String outcome) {
        counter(outcome).increment();
    }

    private Counter counter(String outcome) {
        return Counter.builder("triggerfish.scheduler.slots").description("scheduler slots by outcome: run, skipped, late (late ones are also run)")
                .tag("outcome", outcome).register(meters);
    }
}
