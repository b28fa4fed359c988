package dev.triggerfish;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgBuilder;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;

import java.io.File;
import java.io.IOException;
import java.time.Duration;

/**
 * A database of its own for the store contract tests, without Quarkus: the suite's embedded PostgreSQL
 * binaries, the migrations, and a Vert.x pool, with no runner or dispatcher to touch its rows (so a
 * test decides every transition itself). Started once per test JVM, in about two seconds.
 */
public final class StoreDatabase {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static StoreDatabase shared;

    private final EmbeddedPostgres postgres;
    private final Vertx vertx;
    private final Pool pool;

    private StoreDatabase() {
        postgres = PostgresResource.start(new File("target/store-pg"));
        Flyway.configure().dataSource(postgres.getPostgresDatabase()).locations("classpath:db/migration").load().migrate();
        vertx = Vertx.vertx();
        pool = PgBuilder.pool()
                .with(new PoolOptions().setMaxSize(8))
                .connectingTo(connectOptions())
                .using(vertx)
                .build();
        sql(STATUS_LOG);
    }

    /**
     * A log of every status written into the executions and events (a row trigger of this database
     * only), so a test reads the transitions the code performed rather than the ones it meant to.
     */
    private static final String STATUS_LOG = """
            do $$ begin
                create table status_changes (seq bigserial primary key, entity text not null, id bigint not null,
                                             from_status text, to_status text not null);
                create function log_status_change() returns trigger language plpgsql as $f$
                begin
                    insert into status_changes (entity, id, from_status, to_status)
                    values (tg_table_name, new.id, case when tg_op = 'UPDATE' then old.status end, new.status);
                    return null;
                end $f$;
                create trigger log_execution_status after insert or update on trigger_executions
                    for each row execute function log_status_change();
                create trigger log_event_status after insert or update on events
                    for each row execute function log_status_change();
            end $$""";

    /** Empties the engine's tables and the status log, so that a claim sees only what a test inserts. */
    public void clear() {
        sql("truncate trigger_executions, execution_steps, events, status_changes");
    }

    /**
     * Where the execution queue (V20) and the history disagree: an execution due or running without its
     * queue row (or with another due time), or a queue row of an execution that is neither. Empty when the
     * queue's triggers kept up with every statement.
     */
    public java.util.List<String> queueMismatches() {
        java.util.List<String> out = new java.util.ArrayList<>();
        sql("""
                with expected as (
                    -- a running execution without a lease (written by hand) is queued as expired at the time it was written
                    select e.id, case when e.status = 'running' then coalesce(e.lease_until, q.due_at) else e.next_attempt_at end as due_at,
                           e.status = 'running' as running
                    from trigger_executions e left join execution_queue q on q.execution_id = e.id
                    where e.status in ('pending', 'scheduled', 'retrying', 'running')),
                actual as (select execution_id as id, due_at, running from execution_queue)
                select 'missing ' || id as mismatch from (select * from expected except select * from actual) m
                union all
                select 'extra ' || id from (select * from actual except select * from expected) x""")
                .forEach(row -> out.add(row.getString("mismatch")));
        return out;
    }

    /** The (from, to) statuses written into {@code table} since {@link #clear}, in order; from is null for an insert. */
    public java.util.List<java.util.List<String>> statusChanges(String table) {
        java.util.List<java.util.List<String>> out = new java.util.ArrayList<>();
        sql("select from_status, to_status from status_changes where entity = $1 order by seq", table)
                .forEach(row -> out.add(java.util.Arrays.asList(row.getString("from_status"), row.getString("to_status"))));
        return out;
    }

    /**
     * The plan PostgreSQL keeps for {@code sql} once it stops planning each execution (a generic plan:
     * its parameters unknown), with {@code arguments} (SQL text, or null) for its parameters.
     */
    public String genericPlan(String sql, String arguments) {
        return genericPlan("explain (costs off)", sql, arguments);
    }

    /** The generic plan of {@code sql} as {@code explain} (e.g. {@code "explain (analyze)"}, which runs it) shows it. */
    public String genericPlan(String explain, String sql, String arguments) {
        return await(pool.withConnection(c -> c.query("prepare planned as " + sql).execute()
                .flatMap(ignored -> c.query("set plan_cache_mode = force_generic_plan").execute())
                .flatMap(ignored -> c.query(explain + " execute planned" + (arguments == null ? "" : "(" + arguments + ")")).execute())
                .map(rows -> {
                    StringBuilder plan = new StringBuilder();
                    rows.forEach(row -> plan.append(row.getString(0)).append('\n'));
                    return plan.toString();
                })
                .call(ignored -> c.query("deallocate planned").execute())
                .call(ignored -> c.query("reset plan_cache_mode").execute())));
    }

    public static synchronized StoreDatabase shared() {
        if (shared == null) {
            shared = new StoreDatabase();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
        }
        return shared;
    }

    public Pool pool() {
        return pool;
    }

    /** How to connect to this database, for a pool a test makes itself. */
    public PgConnectOptions connectOptions() {
        return new PgConnectOptions().setHost("localhost").setPort(postgres.getPort()).setDatabase("postgres").setUser("postgres");
    }

    /** The Vert.x instance of {@link #pool}: clients a test adds (HTTP, mail) run on it, as in the service, where there is one. */
    public Vertx vertx() {
        return vertx;
    }

    /** The item of {@code uni}, waited for on the test thread (never an event loop). */
    public static <T> T await(Uni<T> uni) {
        return uni.await().atMost(WAIT);
    }

    /** Runs {@code sql} with {@code params} and answers its rows. */
    public RowSet<Row> sql(String sql, Object... params) {
        return await(pool.preparedQuery(sql).execute(Tuple.from(params)));
    }

    /** The one row {@code sql} answers. */
    public Row row(String sql, Object... params) {
        RowSet<Row> rows = sql(sql, params);
        if (rows.size() != 1) {
            throw new AssertionError(rows.size() + " rows for " + sql);
        }
        return rows.iterator().next();
    }

    private void close() {
        pool.close().await().atMost(WAIT);
        vertx.close().await().atMost(WAIT);
        try {
            postgres.close();
        } catch (IOException e) {
            // the JVM is stopping: its data directory under target/ goes with the next clean
        }
    }
}
