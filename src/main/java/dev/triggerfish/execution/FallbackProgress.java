package dev.triggerfish.execution;

import java.util.Map;

/**
 * Where a step with {@code fallback} actions resumes, from what its checkpoints say: at the action
 * itself until it failed for good (its checkpoint then says {@value #REPLACED}), else at the first
 * fallback that has not completed. A fallback that already ran is not run again; one that failed (and
 * is retried, or replayed) runs again. Pure.
 */
final class FallbackProgress {
    /** The key of the output of an action that failed for good and whose fallbacks run in its place. */
    static final String REPLACED = "replaced_by_fallback";

    private FallbackProgress() {
    }

    /**
     * @param replaced  whether the action's checkpoint says it failed for good and its fallbacks took over
     * @param statuses  the step statuses of the fallbacks checkpointed so far, by fallback number (1..)
     * @param count     how many fallbacks the action has
     * @return 0 to run the action itself, else the number of the fallback to run
     */
    static int resumeAt(boolean replaced, Map<Integer, String> statuses, int count) {
        if (!replaced && statuses.isEmpty()) {
            return 0;
        }
        for (int n = 1; n <= count; n++) {
            String status = statuses.get(n);
            if (!"completed".equals(status) && !"skipped".equals(status)) {
                return n;
            }
        }
        return count; // not reached: the checkpoint of the last one moves the execution past the step
    }
}
