package dev.triggerfish.schedule;

import dev.triggerfish.trigger.Schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Which of a trigger's slots since the last one planned run, and why the others do not: pure, so that
 * every replica planning the same trigger at once writes the same rows (the slots' unique key keeps one).
 * A slot planned within the misfire grace of its time is on time; any other is missed, and
 * {@code catch_up} decides: {@code last} runs the latest missed slot once (none when an on-time slot
 * follows it: that one runs instead), {@code all} runs each, {@code none} runs none. Never silent: every slot
 * time becomes a row, run or skipped with its reason.
 */
public final class SlotPlan {
    public static final String CATCH_UP_DEFAULT = "last";

    /** A slot to record: due (to run) or skipped, with the reason. */
    public record Planned(Instant slotAt, SlotStatus status, String reason) {
    }

    private SlotPlan() {
    }

    /**
     * @param after the last slot planned (or when the trigger was created): slots strictly after it
     * @param now   the database's now, or a test's clock
     * @param max   the most slots recorded in one pass; the next pass goes on from the last
     */
    public static List<Planned> plan(Schedule schedule, String catchUp, Instant after, Instant now, Duration grace, int max) {
        List<Instant> slots = schedule.between(after, now, max);
        String policy = catchUp == null ? CATCH_UP_DEFAULT : catchUp;
        Instant following = slots.isEmpty() ? null : schedule.next(slots.get(slots.size() - 1));
        // a pass cut short by max has later slots still to plan: its last missed slot is not the latest
        boolean reachesNow = slots.size() < max || following == null || following.isAfter(now);
        Instant firstOnTime = slots.stream().filter(slot -> !slot.plus(grace).isBefore(now)).findFirst().orElse(null);
        Instant latestMissed = null;
        for (Instant slot : slots) {
            if (firstOnTime == null || slot.isBefore(firstOnTime)) {
                latestMissed = slot;
            }
        }
        List<Planned> planned = new ArrayList<>(slots.size());
        for (Instant slot : slots) {
            boolean onTime = firstOnTime != null && !slot.isBefore(firstOnTime);
            planned.add(onTime ? new Planned(slot, SlotStatus.DUE, null)
                    : missed(policy, slot, reachesNow && firstOnTime == null && slot.equals(latestMissed), firstOnTime));
        }
        return planned;
    }

    private static Planned missed(String policy, Instant slot, boolean latest, Instant onTime) {
        return switch (policy) {
            case "all" -> new Planned(slot, SlotStatus.DUE, null);
            case "none" -> new Planned(slot, SlotStatus.SKIPPED, "missed (catch_up: none): not planned within the misfire grace of its time");
            default -> latest
                    ? new Planned(slot, SlotStatus.DUE, null)
                    : new Planned(slot, SlotStatus.SKIPPED, "missed (catch_up: last): " + (onTime != null
                            ? "the slot at " + onTime + " runs on time instead" : "only the latest missed slot runs"));
        };
    }
}
