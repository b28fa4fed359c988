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
 * pg_stat_statements). Every other query stays on the main pool, planned as PostgreSQL sees fit:
 * ad-hoc filters (history, analytics, schedule scans) need plans made for their values.
 */
@ApplicationScoped
public class HotPathPool {
    private final Pool pool;

    /** {@code main} is asked for only to be made first: the hot path's pool is made with it. */
    @Inject
    public HotPathPool(Pool main, PreparedStatements statements) {
        this(Pool.newInstance(statements.hotPath()));
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
