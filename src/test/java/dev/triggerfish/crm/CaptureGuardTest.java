package dev.triggerfish.crm;

import dev.triggerfish.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.triggerfish.Api.api;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Capture is refused on Triggerfish's own tables and on system catalogs, however they are spelt; and
 * changes that actions cause in captured tables carry the action's chain depth and trigger, so the
 * chain limit and "a trigger does not fire on its own change" hold for captured events too.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class CaptureGuardTest {
    @Inject
    Pool pool;

    final List<Integer> triggers = new ArrayList<>();
    final List<String> cleanup = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        triggers.forEach(id -> api().delete("/api/event-triggers/" + id));
        cleanup.forEach(this::sql);
    }

    static String uid() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    }

    void sql(String statement) {
        pool.query(statement).execute().await().indefinitely();
    }

    long count(String sql, Object... params) {
        Row row = pool.preparedQuery(sql).execute(Tuple.from(params)).await().indefinitely().iterator().next();
        return row.getLong(0);
    }

    @Test
    void triggerfishsOwnTablesAndSystemCatalogsAreRefusedHoweverSpelt() {
        for (String table : List.of("events", "public.events", "\"events\"", "EVENTS", "Public.Events", "trigger_executions", "execution_steps",
                "event_triggers", "crm_records", "users", "role_cursors", "rate_limit_state", "flyway_schema_history")) {
            api().body(Map.of("table", table, "model_type", "Contact")).post("/api/capture").then().statusCode(422)
                    .body("errors[0].path", equalTo("table"))
                    .body("errors[0].message", containsString("Triggerfish's own tables"));
        }
        for (String table : List.of("pg_class", "pg_catalog.pg_class", "information_schema.tables", "pg_toast.pg_toast_2619")) {
            api().body(Map.of("table", table, "model_type", "Contact", "id_column", "oid")).post("/api/capture").then().statusCode(422)
                    .body("errors[0].path", equalTo("table"))
                    .body("errors[0].message", containsString("system catalog"));
        }
        String view = "captured_view_" + uid();
        sql("create view " + view + " as select 1 as id");
        cleanup.add("drop view if exists " + view);
        api().body(Map.of("table", view, "model_type", "Contact")).post("/api/capture").then().statusCode(422)
                .body("errors[0].message", containsString("not a table"));
        assertEquals(0, count("select count(*) from pg_trigger where tgname = 'triggerfish_capture' and tgrelid::regclass::text in"
                + " ('events', 'trigger_executions', 'execution_steps', 'event_triggers', 'crm_records', 'users', 'pg_class')"));
        // nothing to stop where nothing was captured
        api().delete("/api/capture/pg_class").then().statusCode(404).body("detail", containsString("pg_class"));
        api().delete("/api/capture/no_such_table_" + uid()).then().statusCode(404);
        api().delete("/api/capture/" + view).then().statusCode(404).body("detail", containsString(view));
    }

    @Test
    void everyTableTheMigrationsCreateIsOneOfTheEnginesOwn() throws Exception {
        java.util.Set<String> created = new java.util.TreeSet<>();
        java.util.regex.Pattern table = java.util.regex.Pattern.compile("(?i)create\\s+table\\s+(?:if\\s+not\\s+exists\\s+)?([a-z_][a-z0-9_]*)");
        try (var files = java.nio.file.Files.list(java.nio.file.Path.of("src/main/resources/db/migration"))) {
            for (java.nio.file.Path file : files.toList()) {
                java.util.regex.Matcher m = table.matcher(java.nio.file.Files.readString(file));
                while (m.find()) {
                    created.add(m.group(1).toLowerCase());
                }
            }
        }
        java.util.Set<String> own = new java.util.TreeSet<>(List.of(pool.query("select triggerfish_own_tables()").execute().await().indefinitely()
                .iterator().next().getArrayOfStrings(0)));
        assertTrue(own.containsAll(created), "triggerfish_own_tables() lacks " + created.stream().filter(t -> !own.contains(t)).toList());
    }

    @Test
    void aCaptureInstalledByHandOnAnEngineTableWritesNoEvent() {
        sql("create trigger triggerfish_capture after insert or update or delete on users for each row execute function triggerfish_capture('User', 'id')");
        cleanup.add("drop trigger if exists triggerfish_capture on users");
        String user = "u-" + uid();
        api().body(Map.of("id", user, "name", "Captured?")).post("/api/users").then().statusCode(200);
        assertEquals(0, count("select count(*) from events where source = 'capture' and entity_id = $1", user));
    }

    @Test
    void actionsChangingCapturedTablesChainWithTheirDepthAndAreCutAtTheLimit() {
        String id = uid();
        String table = "loop_" + id;
        String model = "LoopRow" + id;
        String type = model.toLowerCase();
        // a CRM table, captured; and a trigger of the CRM's own that writes to it whenever Triggerfish changes the record
        sql("create table " + table + " (id text primary key, captured boolean not null default true, n integer not null default 0)");
        cleanup.add("drop table if exists " + table);
        sql("create function " + table + "_touch() returns trigger language plpgsql as $$ begin update " + table
                + " set n = n + 1 where id = new.id; return null; end $$");
        cleanup.add(0, "drop function if exists " + table + "_touch()");
        sql("create trigger " + table + "_touch after update on crm_records for each row when (new.type = '" + type + "') execute function "
                + table + "_touch()");
        cleanup.add(0, "drop trigger if exists " + table + "_touch on crm_records");
        api().body(Map.of("table", table, "model_type", model)).post("/api/capture").then().statusCode(201);
        api().body(Map.of("id", "1", "name", "loop")).post("/api/records/" + type).then().statusCode(201);
        sql("insert into " + table + " (id) values ('1')");
        // two triggers on the captured rows, each changing the record: each one's change fires the other
        for (String name : List.of("ping", "pong")) {
            int trigger = api().body("""
                            {"name": "%s", "trigger_type": "model_updated", "model_type": "%s",
                             "trigger_conditions": [{"field": "captured", "operator": "equals", "value": true}],
                             "action_configuration": {"actions": [{"type": "update_field", "field": "touched",
                               "variable_mappings": {"touched": {"source": "computed", "computation": "uuid"}}}]}}""".formatted(name, model))
                    .post("/api/event-triggers").then().statusCode(201).extract().path("id");
            triggers.add(trigger);
        }

        sql("update " + table + " set n = 1 where id = '1'"); // a change from outside: depth 0

        // depth 0 to 5 run (one execution of each trigger per level); depth 6 is recorded as skipped, and nothing more
        await().atMost(Duration.ofSeconds(30)).until(() -> count("select count(*) from trigger_executions where trigger_id = any($1) and status = 'skipped'",
                (Object) triggerIds()) == 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> count("select count(*) from events where entity_type = $1 and source = 'capture'"
                + " and status <> 'dispatched'", type) == 0);
        assertEquals(12, count("select count(*) from trigger_executions where trigger_id = any($1) and status = 'completed'", (Object) triggerIds()));
        assertEquals(14, count("select count(*) from trigger_executions where trigger_id = any($1)", (Object) triggerIds()));
        // every captured change an action caused names the action's trigger and is one level deeper
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6), pool.preparedQuery("select distinct chain_depth from events where entity_type = $1 and source = 'capture'"
                        + " and kind = 'updated' order by 1").execute(Tuple.of(type)).await().indefinitely()
                .stream().map(r -> r.getInteger(0)).toList());
        assertEquals(0, count("select count(*) from events where entity_type = $1 and source = 'capture' and chain_depth > 0 and origin_trigger_id is null", type));
        String skipped = pool.preparedQuery("select error from trigger_executions where trigger_id = any($1) and status = 'skipped' limit 1")
                .execute(Tuple.of((Object) triggerIds())).await().indefinitely().iterator().next().getString("error");
        assertTrue(skipped.contains("chain depth 6 exceeds"), skipped);
    }

    Long[] triggerIds() {
        return triggers.stream().map(Integer::longValue).toArray(Long[]::new);
    }
}
