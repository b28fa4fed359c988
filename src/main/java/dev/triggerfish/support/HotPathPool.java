package dev.triggerfish.support;

import io.vertx.mutiny.sqlclient.Pool;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * A second, smaller pool for the statements every event runs (intake, step checkpoints): its
 * connections plan each prepared statement once, generically ({@code plan_cache_mode =
 * force_generic_plan}), instead of on every call. PostgreSQL would otherwise never settle on one plan
 * for them: they take arrays ({@code unnest($1::bigint[])}), whose length only a custom plan knows, so a
 * custom plan always looks cheaper than the generic one and the planner ran on every call, costing more
 * than the statement itself. Their generic plans were checked to be as fast (bench/pipeline,
 * pg_stat_statements). Every other query stays on the main pool, where PostgreSQL plans each statement
 * for its values at first and keeps a generic plan only where it costs no more: ad-hoc filters (history,
 * analytics, schedule scans, inbound webhooks' record lookups) need that.
 */
@ApplicationScoped
public class HotPathPool {
    private final Pool pool;

    /**
     * The hot path's pool is made with the main one. {@code main} is a client proxy: injecting it makes
     * nothing, and the pools' own startup observers may run after a bean needing this one. Calling it
     * ({@code size()}) makes it, and so the hot path's pool, now.
     */
    @Inject
    public HotPathPool(Pool main, PreparedStatements statements) {
        this(made(main, statements));
    }

    private static Pool made(Pool main, PreparedStatements statements) {
        main.size();
        return Pool.newInstance(statements.hotPath());
    }

    private HotPathPool(Pool pool) {
        this.pool = pool;
    }

    /** The hot path on a pool of one's own (tests of a store alone). */
    public static HotPathPool of(Pool pool) {
        return new HotPathPool(pool);
    }

    public Pool pool() {
        return pool;
    }

    @PreDestroy
    void close() {
        pool.close().subscribe().with(ignored -> { }, failure -> { });
    }
}
