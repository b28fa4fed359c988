package dev.triggerfish.action;

/**
 * A step that cannot do its job whatever the retries (no such template, nothing to send to): the
 * handler turns it into a failed step with this reason.
 */
final class StepRefused extends RuntimeException {
    StepRefused(String reason) {
        super(reason, null, false, false); // an answer, not a bug: no stack trace to fill
    }
}
