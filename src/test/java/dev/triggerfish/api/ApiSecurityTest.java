package dev.triggerfish.api;

import dev.triggerfish.PostgresResource;
import dev.triggerfish.RawHttp;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;

import static dev.triggerfish.Api.api;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Who gets in: every route of the API (read from the service's own OpenAPI document, so a new route is
 * covered the day it is added) refuses every spelling of its path without a key; keys carry scopes;
 * a revoked key stops working at once; keys are stored hashed; every change is audited.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class ApiSecurityTest {
    /** The spellings a hostile test used to walk past a check on the raw path. */
    static final List<UnaryOperator<String>> SPELLINGS = List.of(
            p -> p,
            p -> "/" + p,
            p -> "//" + p,
            p -> "/." + p,
            p -> "/%2e" + p,
            p -> "/%2E" + p,
            p -> p.replaceFirst("^/api", "/%61pi"),
            p -> p.replaceFirst("^/api", "/%61%70%69"),
            p -> p.replaceFirst("^/api", "/api;x"),
            p -> p.replaceFirst("^/api/", "/api;x=1/"),
            p -> "/q/.." + p,
            p -> "/q/health/../.." + p,
            p -> "/q/health/%2e%2e/%2e%2e" + p,
            p -> "/q/health/..%2f.." + p,
            p -> p.replace("/", "\\"),
            p -> p.replaceFirst("^/api", "/API"));

    @Inject
    Pool pool;

    @Test
    void noSpellingOfAnyRouteGetsInWithoutAKey() {
        String type = "Sec" + UUID.randomUUID().toString().substring(0, 8);
        api().body("{\"id\": \"999\", \"name\": \"victim\"}").post("/api/records/" + type).then().statusCode(201);
        long trigger = api().body("""
                {"name": "victim", "trigger_type": "manual", "action_configuration": {"actions": [{"type": "add_tag", "tag": "x"}]}}""")
                .post("/api/event-triggers").then().statusCode(201).extract().jsonPath().getLong("id");
        String before = tableCounts();

        JsonPath openapi = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200).extract().jsonPath();
        Map<String, Map<String, Object>> paths = openapi.getMap("paths");
        int checked = 0;
        for (Map.Entry<String, Map<String, Object>> route : paths.entrySet()) {
            String path = route.getKey().replace("{type}", type).replace("{id}", route.getKey().contains("event-triggers") ? Long.toString(trigger) : "999")
                    .replace("{table}", "pg_class");
            for (String method : route.getValue().keySet()) {
                String verb = method.toUpperCase();
                if (!List.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD").contains(verb)) {
                    continue;
                }
                for (UnaryOperator<String> spelling : SPELLINGS) {
                    String target = spelling.apply(path);
                    for (String asVerb : verb.equals("GET") ? List.of("GET", "HEAD") : List.of(verb)) {
                        RawHttp.Answer answer = RawHttp.send(RestAssured.port, asVerb, target, null, verb.equals("GET") || verb.equals("DELETE") ? null : "{}");
                        assertTrue(answer.status() == 401 || answer.status() == 400 || answer.status() == 404,
                                asVerb + " " + target + " answered " + answer.status() + ": " + answer.text());
                        assertFalse(answer.body().contains("\"data\"") || answer.body().contains("victim"), asVerb + " " + target + " leaked: " + answer.text());
                        checked++;
                    }
                }
            }
        }
        assertTrue(checked > 300, "every route was tried in every spelling (" + checked + ")");
        assertEquals(before, tableCounts(), "nothing was stored, changed or deleted");
        api().get("/api/records/" + type + "/999").then().statusCode(200).body("name", equalTo("victim"));
        api().get("/api/event-triggers/" + trigger).then().statusCode(200).body("version", equalTo(0));
    }

    @Test
    void missingWrongAndRevokedKeysAreProblemsNeverData() {
        given().get("/api/event-triggers").then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer").body("errors[0].path", equalTo("Authorization"));
        given().header("Authorization", "Bearer not-a-key").get("/api/event-triggers").then().statusCode(401)
                .contentType("application/problem+json");
        given().header("X-API-Key", "").get("/api/event-triggers").then().statusCode(401);

        String key = createKey("revoke-me-" + UUID.randomUUID().toString().substring(0, 6), "read");
        long id = keyId(key);
        given().header("X-API-Key", key).get("/api/event-triggers").then().statusCode(200);
        api().delete("/api/keys/" + id).then().statusCode(200).body("revoked_at", notNullValue());
        given().header("X-API-Key", key).get("/api/event-triggers").then().statusCode(401);
        api().delete("/api/keys/" + id).then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void scopesDecideWhatAKeyMayDo() {
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        String reader = createKey("reader-" + suffix, "read");
        String writer = createKey("writer-" + suffix, "write");
        String trigger = """
                {"name": "scoped", "trigger_type": "manual", "action_configuration": {"actions": [{"type": "add_tag", "tag": "x"}]}}""";

        given().header("X-API-Key", reader).get("/api/event-triggers").then().statusCode(200);
        given().header("X-API-Key", reader).contentType(ContentType.JSON).body(trigger).post("/api/event-triggers").then()
                .statusCode(403).contentType("application/problem+json");
        given().header("X-API-Key", reader).get("/api/keys").then().statusCode(403);

        long id = given().header("X-API-Key", writer).contentType(ContentType.JSON).body(trigger).post("/api/event-triggers").then()
                .statusCode(201).extract().jsonPath().getLong("id");
        given().header("X-API-Key", reader).contentType(ContentType.JSON).body("{\"record\": {}, \"event\": \"created\"}")
                .post("/api/event-triggers/" + id + "/explain").then().statusCode(200);
        given().header("X-API-Key", writer).get("/api/keys").then().statusCode(403);
        given().header("X-API-Key", writer).get("/api/audit").then().statusCode(403);
        api().get("/api/keys").then().statusCode(200).body("name", hasItem("writer-" + suffix));
    }

    @Test
    void keysAreStoredHashedAndShownOnce() {
        String name = "hashed-" + UUID.randomUUID().toString().substring(0, 6);
        String key = createKey(name, "write");
        assertTrue(key.startsWith("tfk_") && key.length() > 60, key);
        Row row = pool.preparedQuery("select * from api_keys where name = $1").execute(io.vertx.mutiny.sqlclient.Tuple.of(name))
                .await().indefinitely().iterator().next();
        StringBuilder everything = new StringBuilder();
        for (int i = 0; i < row.size(); i++) {
            Object value = row.getValue(i);
            everything.append(value instanceof io.vertx.mutiny.core.buffer.Buffer b ? new String(b.getBytes(), java.nio.charset.StandardCharsets.ISO_8859_1) : value).append('|');
        }
        assertFalse(everything.toString().contains(key), "the plain key is not stored");
        assertFalse(everything.toString().contains(key.substring(12)), "no more of it than its displayed prefix");
        String listed = api().get("/api/keys").then().statusCode(200).extract().asString();
        assertFalse(listed.contains(key.substring(12)), "the list never shows a key");
        api().body("{\"name\": \"" + name + "\", \"scopes\": [\"read\"]}").post("/api/keys").then().statusCode(422)
                .body("errors[0].path", equalTo("name"));
        api().body("{\"name\": \"x-" + name + "\", \"scopes\": [\"root\"]}").post("/api/keys").then().statusCode(422)
                .body("errors[0].path", equalTo("scopes[0]"));
    }

    @Test
    void everyChangeOfATriggerOrKeyIsAuditedWithItsActor() {
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        String writer = createKey("auditor-" + suffix, "write");
        long id = given().header("X-API-Key", writer).contentType(ContentType.JSON).body("""
                        {"name": "audited", "trigger_type": "manual", "action_configuration": {"actions": [{"type": "add_tag", "tag": "x"}]}}""")
                .post("/api/event-triggers").then().statusCode(201).extract().jsonPath().getLong("id");
        given().header("X-API-Key", writer).contentType(ContentType.JSON).body("{\"name\": \"audited twice\"}")
                .patch("/api/event-triggers/" + id).then().statusCode(200);
        given().header("X-API-Key", writer).contentType(ContentType.JSON).post("/api/event-triggers/" + id + "/deactivate").then().statusCode(200);
        given().header("X-API-Key", writer).contentType(ContentType.JSON).post("/api/event-triggers/" + id + "/activate").then().statusCode(200);
        given().header("X-API-Key", writer).delete("/api/event-triggers/" + id).then().statusCode(204);
        // a refused change leaves no entry
        given().header("X-API-Key", writer).contentType(ContentType.JSON).body("{\"trigger_type\": \"nope\"}")
                .post("/api/event-triggers").then().statusCode(422);

        JsonPath audit = api().queryParam("entity_type", "trigger").queryParam("entity_id", Long.toString(id))
                .get("/api/audit").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("deleted", "activated", "deactivated", "updated", "created"), audit.getList("data.action"));
        assertEquals(List.of("auditor-" + suffix), audit.getList("data.actor").stream().distinct().toList());
        assertEquals("audited", audit.getString("data[3].change.before.name"), audit.prettify());
        assertEquals("audited twice", audit.getString("data[3].change.after.name"));
        api().queryParam("actor", "auditor-" + suffix).get("/api/audit").then().statusCode(200).body("total", equalTo(5));
        api().queryParam("entity_type", "api_key").queryParam("action", "created").get("/api/audit").then().statusCode(200)
                .body("data.actor", hasItem("bootstrap")).body("data[0].change.after.name", startsWith(""));
        api().queryParam("since", "yesterday").get("/api/audit").then().statusCode(400).body("errors[0].path", equalTo("since"));
    }

    @Test
    void capturesAndUsersAreAuditedToo() {
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        String writer = createKey("ops-" + suffix, "write");
        String table = "audited_" + suffix;
        pool.query("create table " + table + " (id text primary key, name text)").execute().await().indefinitely();
        given().header("X-API-Key", writer).contentType(ContentType.JSON).body("{\"table\": \"" + table + "\", \"model_type\": \"Contact\"}")
                .post("/api/capture").then().statusCode(201);
        given().header("X-API-Key", writer).delete("/api/capture/" + table).then().statusCode(204);
        given().header("X-API-Key", writer).contentType(ContentType.JSON)
                .body("{\"id\": \"u-" + suffix + "\", \"name\": \"Ada\", \"email\": \"ada@example.com\", \"roles\": [\"sales\"]}")
                .post("/api/users").then().statusCode(200);
        given().header("X-API-Key", writer).contentType(ContentType.JSON)
                .body("{\"id\": \"u-" + suffix + "\", \"name\": \"Ada L.\", \"roles\": [\"sales\"]}")
                .post("/api/users").then().statusCode(200);
        given().header("X-API-Key", writer).delete("/api/users/u-" + suffix).then().statusCode(204);

        JsonPath audit = api().queryParam("actor", "ops-" + suffix).get("/api/audit").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("user:deleted", "user:updated", "user:created", "capture:deleted", "capture:created"),
                audit.getList("data", Map.class).stream().map(e -> e.get("entity_type") + ":" + e.get("action")).toList());
        assertEquals("Ada", audit.getString("data[1].change.before.name"));
        assertEquals("Ada L.", audit.getString("data[1].change.after.name"));
        assertEquals(table, audit.getString("data[4].entity_id"));
    }

    @Test
    void probesStayOpen() {
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/health/live").then().statusCode(200);
    }

    private static String createKey(String name, String scope) {
        return api().body("{\"name\": \"" + name + "\", \"scopes\": [\"" + scope + "\"]}").post("/api/keys").then().statusCode(201)
                .body("name", equalTo(name)).body("scopes", equalTo(List.of(scope)))
                .extract().jsonPath().getString("key");
    }

    private long keyId(String key) {
        return api().get("/api/keys").then().statusCode(200).extract().jsonPath()
                .getLong("find { it.key_prefix == '" + key.substring(0, 12) + "' }.id");
    }

    private String tableCounts() {
        List<String> counts = new ArrayList<>();
        for (String table : List.of("event_triggers", "crm_records", "events", "trigger_executions", "users", "api_keys", "audit_log")) {
            counts.add(table + "=" + pool.query("select count(*) || ':' || coalesce(sum(hashtext(t::text)), 0) from " + table + " t").execute()
                    .await().indefinitely().iterator().next().getString(0));
        }
        return String.join(", ", counts);
    }
}
