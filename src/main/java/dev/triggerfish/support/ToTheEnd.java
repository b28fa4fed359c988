package dev.triggerfish.support;

import io.smallrye.mutiny.Uni;

/**
 * Work that must run to its end whoever waits for it. A request's transaction is such work: when its
 * client goes away, Quarkus cancels the request's {@code Uni}, but the Vert.x transaction below does not
 * stop (it still commits), and whatever follows its commit (running the executions it claimed, giving back
 * the runner slots it reserved) would never run. Here the caller's cancellation only ends the caller's
 * wait.
 */
public final class ToTheEnd {
    private ToTheEnd() {
    }

    /** {@code work}, started now and run to its end; the answer is its outcome. */
    public static <T> Uni<T> run(Uni<T> work) {
        Uni<T> once = work.memoize().indefinitely();
        once.subscribe().with(ignored -> { }, ignored -> { }); // the outcome is the caller's to handle; this only keeps it going
        return once;
    }
}
