package dev.triggerfish.schedule;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;

/**
 * The scheduler's meters (issue 11 runs time_based triggers; its scheduler calls these): slots run,
 * skipped (another replica holds the slot's claim, or the trigger is inactive), and late (run after
 * their time, with how late). Registered on first use, so no series stands at zero before a scheduler
 * exists.
 */
@ApplicationScoped
public class SlotMetrics {
    private final MeterRegistry meters;

    public SlotMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    /** A slot this replica ran, {@code lateness} after its time (zero when on time). */
    public void ran(Duration lateness) {
        slots("run");
        if (!lateness.isNegative() && !lateness.isZero()) {
            slots("late");
            Timer.builder("triggerfish.scheduler.slot.lateness").description("how long after their time late slots ran")
                    .register(meters).record(lateness);
        }
    }

    /** A slot this replica did not run: claimed elsewhere, or nothing to run. */
    public void skipped() {
        slots("skipped");
    }

    private void slots(String outcome) {
        Counter.builder("triggerfish.scheduler.slots").description("scheduler slots by outcome: run, skipped, late (late ones are also run)")
                .tag("outcome", outcome).register(meters).increment();
    }
}
