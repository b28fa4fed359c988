package dev.triggerfish.execution;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whether claimable executions may be waiting, so that a slot coming free claims only then. Every
 * wake-up (a NOTIFY, the poll, work created on this replica) says there may be some; a claim that took
 * all it asked for says there may be more; one that took less says there are none until the next
 * wake-up. Without it, each execution intake runs itself (it never needs claiming) ended in an empty
 * claim when its slot came free: one query per event at a steady load.
 */
final class WorkSignal {
    private final AtomicBoolean mayWait = new AtomicBoolean(true);
    /** The last claim took all it asked for: more is waiting (not merely may be). */
    private volatile boolean more;

    /** Work may have been created. */
    void signal() {
        mayWait.set(true);
    }

    /** Whether a freed slot should claim. */
    boolean mayWait() {
        return mayWait.get();
    }

    /** Whether the last claim came back full, so that the next one surely finds work (a wake-up alone does not say so). */
    boolean more() {
        return more;
    }

    /** A claim starts. A wake-up while it runs signals again, so nothing created meanwhile is missed. */
    void claiming() {
        more = false;
        mayWait.set(false);
    }

    /** The claim took {@code taken} of the {@code wanted} it asked for. */
    void claimed(int taken, int wanted) {
        if (taken >= wanted) {
            more = true;
            mayWait.set(true);
        }
    }

    /** The claim failed: what it was for may still wait. */
    void failed() {
        mayWait.set(true);
    }

    /** Work was found, but its turn in a busy room ended with no slot free: it still waits, for the next slot that comes free. */
    void unserved() {
        mayWait.set(true);
    }
}
