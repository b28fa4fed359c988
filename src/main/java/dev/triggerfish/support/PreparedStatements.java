package dev.triggerfish.support;

import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnectOptions;
import jakarta.inject.Singleton;

import java.util.List;

/**
 * The reactive pool, each connection keeping its prepared statements (the engine's long ones too), and
 * beside it the smaller pool of {@link HotPathPool}. Without this every query was parsed and planned
 * again on each call: the step checkpoint (a data-modifying CTE of about 2,500 characters, over the
 * client's default limit of 2,048 for the statements it keeps) spent more time in the planner than
 * executing.
 */
@Singleton
public class PreparedStatements implements PgPoolCreator {
    /** Longer than the engine's longest statement. */
    static final int SQL_LIMIT = 16_384;

    private volatile Pool hotPath;

    @Override
    public Pool create(Input input) {
        List<SqlConnectOptions> kept = input.pgConnectOptionsList().stream()
                .map(o -> (SqlConnectOptions) new PgConnectOptions(o).setCachePreparedStatements(true).setPreparedStatementCacheSqlLimit(SQL_LIMIT))
                .toList();
        // one generic plan per statement, made once: see HotPathPool
        List<SqlConnectOptions> generic = kept.stream()
                .map(o -> (SqlConnectOptions) new PgConnectOptions((PgConnectOptions) o).addProperty("plan_cache_mode", "force_generic_plan"))
                .toList();
        PoolOptions hotOptions = new PoolOptions(input.poolOptions()).setMaxSize(Math.max(4, input.poolOptions().getMaxSize() / 2))
                .setName("triggerfish-hot-path");
        hotPath = PgBuilder.pool().with(hotOptions).connectingTo(generic).using(input.vertx()).build();
        return PgBuilder.pool().with(input.poolOptions()).connectingTo(kept).using(input.vertx()).build();
    }

    /** The hot path's pool, made with the main one. */
    Pool hotPath() {
        if (hotPath == null) {
            throw new IllegalStateException("the main pool is not made yet");
        }
        return hotPath;
    }
}
