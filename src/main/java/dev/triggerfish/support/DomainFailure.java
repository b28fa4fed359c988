package dev.triggerfish.support;

/**
 * A request the domain refuses: something that does not exist, input that is not valid, a version
 * that moved on, a state that does not allow it. Domain code throws these; only {@code api} turns
 * them into problem+json ({@code Problems}), so no capability speaks HTTP.
 */
public abstract class DomainFailure extends RuntimeException {
    protected DomainFailure(String detail) {
        super(detail, null, false, false); // an answer to a request, not a bug: no stack trace to fill
    }
}
