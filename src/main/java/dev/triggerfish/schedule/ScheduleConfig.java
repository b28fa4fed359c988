package dev.triggerfish.schedule;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** How this replica runs the slots of time_based triggers. */
@ConfigMapping(prefix = "triggerfish.schedule")
public interface ScheduleConfig {

    /** Plan and run slots on this replica at all (any replica may run any slot: each runs once cluster-wide). */
    @WithDefault("true")
    boolean enabled();

    /**
     * How often this replica plans due slots and looks for one to run. Its default (5s) is in
     * application.properties: the tick's {@code @Scheduled} reads the key.
     */
    Duration tick();

    /**
     * Records read per page of a slot's scan; each page's executions and checkpoint are one transaction.
     * Each page is one round trip of the scan's cursor, and on a busy machine a read after the page's commit
     * waited milliseconds to be scheduled: 5000 rather than 1000 took a third off finding 112,000 matches.
     */
    @WithDefault("5000")
    int pageSize();

    /** How long a slot's claim lasts without a page committed: a replica that died leaves its slot to another within this. */
    @WithDefault("60s")
    Duration lease();

    /** A slot planned later than this after its time counts as missed, and its trigger's {@code catch_up} decides. */
    @WithDefault("5m")
    Duration misfireGrace();

    /** The most slots one planning pass records for a trigger, and the most one backfill may ask for. */
    @WithDefault("1000")
    int maxSlots();
}
