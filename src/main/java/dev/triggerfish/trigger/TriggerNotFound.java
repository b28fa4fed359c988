package dev.triggerfish.trigger;

import dev.triggerfish.support.NotFound;

/** No trigger has this id (or it was deleted). */
public class TriggerNotFound extends NotFound {
    public TriggerNotFound(long id) {
        super("trigger", id);
    }
}
