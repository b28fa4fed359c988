package dev.triggerfish.execution;

import io.smallrye.mutiny.Uni;

import java.time.Duration;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * When this replica claims due executions, and into how many slots: only while work may be waiting
 * ({@link WorkSignal}); at once while at least a quarter of the slots are free (up to a batch); else in
 * turn with intake's waiting requests ({@link RunnerRoom#awaitClaimRoom}), and then, unless the last
 * claim came back full, only once a probe found something to claim (a turn holds back the requests
 * behind it, so it is not taken for each poll). Plain Java: the database is reached through the two
 * functions each claim is given.
 */
final class ClaimPacing {
    private final RunnerRoom room;
    private final int batch;
    private final int least;
    private final Duration turn;
    private final WorkSignal work = new WorkSignal();

    /** {@code turn}: how long a claim waits for its turn in a busy room before it takes what is free (maybe nothing). */
    ClaimPacing(RunnerRoom room, int batch, int concurrency, Duration turn) {
        this.room = room;
        this.batch = batch;
        this.least = Math.min(batch, Math.max(1, concurrency / 4));
        this.turn = turn;
    }

    /** Work may have been created. */
    void signal() {
        work.signal();
    }

    /** Whether a slot coming free should claim. */
    boolean mayWait() {
        return work.mayWait();
    }

    /**
     * One claim: what {@code claim} took into the slots reserved for it (it is given their number; the
     * slots it did not fill are given back), or nothing. {@code anyClaimable} is asked first when the claim
     * would wait for its turn.
     */
    <T> Uni<List<T>> next(Supplier<Uni<Boolean>> anyClaimable, IntFunction<Uni<List<T>>> claim) {
        if (!work.mayWait()) {
            return Uni.createFrom().item(List.of()); // nothing signalled since the last claim came back short
        }
        if (!room.isShort(least) || work.more()) {
            return room.awaitClaimRoom(batch, least, turn).flatMap(slots -> into(slots, claim));
        }
        work.claiming(); // a wake-up from here on is claimed for again
        return anyClaimable.get()
                .onFailure().invoke(work::failed)
                .flatMap(claimable -> claimable
                        ? room.awaitClaimRoom(batch, least, turn).invoke(slots -> {
                            if (slots == 0) {
                                work.unserved();
                            }
                        })
                        : Uni.createFrom().item(0))
                .flatMap(slots -> into(slots, claim));
    }

    private <T> Uni<List<T>> into(int slots, IntFunction<Uni<List<T>>> claim) {
        if (slots == 0) {
            return Uni.createFrom().item(List.of());
        }
        work.claiming();
        return claim.apply(slots)
                .invoke(claimed -> work.claimed(claimed.size(), slots))
                .onFailure().invoke(() -> {
                    work.failed();
                    room.release(slots);
                })
                .invoke(claimed -> {
                    if (claimed.size() < slots) {
                        room.release(slots - claimed.size());
                    }
                });
    }
}
