package dev.triggerfish.support;

/** What a request names does not exist (a trigger, a record, a user, a captured table). */
public class NotFound extends DomainFailure {
    public NotFound(String what, Object id) {
        this(what + " " + id + " does not exist");
    }

    /** With a detail of its own, for a thing that exists but not in the sense asked (a table that is not captured). */
    public NotFound(String detail) {
        super(detail);
    }
}
