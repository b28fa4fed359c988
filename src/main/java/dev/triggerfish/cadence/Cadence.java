package dev.triggerfish.cadence;

import dev.triggerfish.condition.CompiledCondition;
import dev.triggerfish.condition.RelationResolver;
import dev.triggerfish.execution.Flow;
import dev.triggerfish.workflow.Definition;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A cadence as the engine runs it: ordered steps (numbered from 1, as the spec's {@code start_step}),
 * each an action and the hours to wait since the step before (for the first step run: since the
 * enrolment, unless the enrolling action says {@code delay_hours}); the {@code exit_conditions} a record
 * leaves the cadence on (none: it never exits early); the retry settings of its steps' executions.
 * Pure: {@link #due} decides what a due enrolment does.
 */
public record Cadence(long id, String name, List<Step> steps, CompiledCondition exit, boolean allowRetries, int maxRetries,
                      Map<String, Object> retryConfiguration) {

    /** One step: its action and the hours it waits for the step before it. */
    public record Step(Map<String, Object> action, double delayHours) {
    }

    /**
     * What a due enrolment at {@code step} does: end (its record is gone, or meets the exit conditions),
     * or run that step and then wait for the next one (or complete, after the last).
     *
     * @param run      the step to run now, or null when the enrolment ends without one
     * @param status   the enrolment's status afterwards
     * @param nextStep the step due next (with {@code nextDelayHours}), when it stays active
     */
    public record Due(Step run, int runStep, EnrolmentStatus status, String reason, Integer nextStep, Double nextDelayHours) {
    }

    @SuppressWarnings("unchecked")
    public static Cadence of(Definition definition) {
        Map<String, Object> d = definition.definition();
        List<Step> steps = new ArrayList<>();
        if (d.get("steps") instanceof List<?> list) {
            for (Object raw : list) {
                Map<String, Object> step = (Map<String, Object>) raw;
                steps.add(new Step((Map<String, Object>) step.get("action"),
                        step.get("delay_hours") instanceof Number n ? n.doubleValue() : 0));
            }
        }
        Object exit = d.get("exit_conditions");
        boolean exits = exit instanceof List<?> l && !l.isEmpty();
        return new Cadence(definition.id(), definition.name(), List.copyOf(steps),
                exits ? CompiledCondition.compile(exit, "exit_conditions") : null,
                !Boolean.FALSE.equals(d.get("allow_retries")), d.get("max_retries") instanceof Number n ? n.intValue() : 3,
                d.get("retry_configuration") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of());
    }

    /** The relations the exit conditions reach ({@code company} for {@code company.industry}). */
    public Set<String> relations() {
        return exit == null ? Set.of() : exit.relations();
    }

    /**
     * What enrolment step {@code step} does when due at {@code nowMillis}: the exit conditions are checked
     * first ("a contact that replied is not emailed again"), against the record as stored now.
     *
     * @param record the record now, or null when it was deleted
     */
    public Due due(int step, Map<String, Object> record, RelationResolver relations, long nowMillis, String recordName) {
        if (record == null) {
            return new Due(null, step, EnrolmentStatus.CANCELLED, "the record " + recordName + " was deleted", null, null);
        }
        if (exit != null && exit.matches(record, null, relations, nowMillis)) {
            return new Due(null, step, EnrolmentStatus.EXITED, "the record meets the cadence's exit_conditions before step " + step,
                    null, null);
        }
        if (step > steps.size()) {
            // the cadence lost steps since: nothing is left to run
            return new Due(null, step, EnrolmentStatus.COMPLETED, "cadence " + id + " has no step " + step, null, null);
        }
        Step run = steps.get(step - 1);
        return step == steps.size()
                ? new Due(run, step, EnrolmentStatus.COMPLETED, "step " + step + " was the last", null, null)
                : new Due(run, step, EnrolmentStatus.ACTIVE, null, step + 1, steps.get(step).delayHours());
    }

    /** Step {@code step} as the execution that runs it: its one action, with the cadence's retry settings. */
    public Flow flow(int step) {
        return new Flow("cadence " + id + " step " + step + " (" + name + ")", List.of(steps.get(step - 1).action()), allowRetries,
                maxRetries, retryConfiguration);
    }
}
