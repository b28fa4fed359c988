package dev.triggerfish.support;

/**
 * A change made against a version that is no longer the current one: another request changed the
 * thing meanwhile. {@code expectedByPrecondition} says whether the client named the version as a
 * precondition of its request ({@code If-Match}) or in the body it sent.
 */
public class VersionConflict extends DomainFailure {
    private final boolean expectedByPrecondition;

    private VersionConflict(String what, Object id, int current, Object expected, boolean expectedByPrecondition) {
        super(what + " " + id + " is at version " + current + ", not " + expected + "; read it again and retry");
        this.expectedByPrecondition = expectedByPrecondition;
    }

    /** The version the request's {@code If-Match} names is not the current one. */
    public static VersionConflict ifMatch(String what, Object id, int current, Object expected) {
        return new VersionConflict(what, id, current, expected, true);
    }

    /** The {@code version} in the body is not the current one. */
    public static VersionConflict inBody(String what, Object id, int current, Object expected) {
        return new VersionConflict(what, id, current, expected, false);
    }

    public boolean expectedByPrecondition() {
        return expectedByPrecondition;
    }
}
