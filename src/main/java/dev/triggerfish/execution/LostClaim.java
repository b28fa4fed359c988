package dev.triggerfish.execution;

/** The claim on an execution expired and another runner took it: this runner stops, changing nothing. */
public class LostClaim extends RuntimeException {
    public LostClaim(long executionId) {
        super("lost the claim on execution " + executionId, null, false, false);
    }
}
