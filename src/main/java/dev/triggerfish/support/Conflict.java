package dev.triggerfish.support;

/** The request contradicts what is stored (a record id that is taken). */
public class Conflict extends DomainFailure {
    public Conflict(String detail) {
        super(detail);
    }
}
