package dev.triggerfish.support;

import dev.triggerfish.StoreDatabase;
import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.triggerfish.StoreDatabase.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pools as {@link PreparedStatements} makes them, on a real PostgreSQL: the main pool keeps even a
 * long statement prepared on its connection; the hot path's pool runs a statement over arrays on one
 * generic plan from its first call, where PostgreSQL left to itself plans at least the first five afresh
 * (and, for the engine's own statements, every one: see HotPathPool).
 */
class PreparedStatementsTest {
    /** A statement over arrays, as the intake and the step checkpoints are. */
    private static final String OVER_ARRAYS = "select count(*) from unnest($1::bigint[], $2::text[]) as u(id, name) where u.id > 0";
    /** Over the Vert.x client's default limit (2,048 characters) for the statements it keeps. */
    private static final String LONG = "select 1 as one" + " ".repeat(3_000) + "where $1::int > 0";

    private static final StoreDatabase db = StoreDatabase.shared();
    private static Pool main;
    private static Pool hotPath;

    @BeforeAll
    static void pools() {
        PreparedStatements statements = new PreparedStatements();
        Vertx vertx = db.vertx().getDelegate();
        main = Pool.newInstance(statements.create(new PgPoolCreator.Input() {
            @Override
            public Vertx vertx() {
                return vertx;
            }

            @Override
            public PoolOptions poolOptions() {
                return new PoolOptions().setMaxSize(2);
            }

            @Override
            public List<PgConnectOptions> pgConnectOptionsList() {
                return List.of(db.connectOptions());
            }
        }));
        hotPath = HotPathPool.of(Pool.newInstance(statements.hotPath())).pool();
    }

    @AfterAll
    static void close() {
        await(main.close());
        await(hotPath.close());
    }

    @Test
    void theHotPathPlansAStatementOverArraysOnce() {
        Row hot = plansAfterTenCalls(hotPath, OVER_ARRAYS);
        assertEquals(0, hot.getLong("custom_plans"), "custom plans on the hot path");
        assertTrue(hot.getLong("generic_plans") >= 10, "one generic plan for every call");

        Row elsewhere = plansAfterTenCalls(main, OVER_ARRAYS);
        assertTrue(elsewhere.getLong("custom_plans") >= 5, "the main pool leaves the choice to PostgreSQL, which plans the first calls afresh");
    }

    @Test
    void theMainPoolKeepsLongStatementsPrepared() {
        Row kept = plansAfterTenCalls(main, LONG);
        assertEquals(10, kept.getLong("custom_plans") + kept.getLong("generic_plans"), "the ten calls ran on the kept statement");
    }

    /** Runs {@code sql} ten times on one connection of {@code pool}; answers what that connection's kept statement counted. */
    private static Row plansAfterTenCalls(Pool pool, String sql) {
        Tuple arguments = sql.equals(LONG) ? Tuple.of(1) : Tuple.of(new Long[] {1L, 2L}, new String[] {"a", "b"});
        return await(pool.withConnection(c -> {
            io.smallrye.mutiny.Uni<?> calls = io.smallrye.mutiny.Uni.createFrom().voidItem();
            for (int i = 0; i < 10; i++) {
                calls = calls.flatMap(ignored -> c.preparedQuery(sql).execute(arguments));
            }
            return calls.flatMap(ignored -> c.preparedQuery("select generic_plans, custom_plans from pg_prepared_statements where statement = $1")
                    .execute(Tuple.of(sql)))
                    .map(rows -> {
                        if (rows.size() != 1) {
                            throw new AssertionError(rows.size() + " kept statements for " + sql.strip());
                        }
                        return rows.iterator().next();
                    });
        }));
    }
}
