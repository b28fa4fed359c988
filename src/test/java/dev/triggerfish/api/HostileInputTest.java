package dev.triggerfish.api;

import dev.triggerfish.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;

import static dev.triggerfish.Api.api;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 9, item 14: a corpus of hostile bodies sent to every write route. Each answer is a 4xx
 * problem+json naming a field, never a 5xx, and no stored row changes. Strings that merely look
 * hostile (SQL, unicode tricks) are legitimate data: they are stored verbatim and read back identical.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class HostileInputTest {
    /** The record type the corpus writes to, its own so that nothing else changes it. */
    static final String TYPE = "hostile" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    static final String TRIGGER = """
            {"name": "hostile corpus", "trigger_type": "manual", "model_type": "%s",
             "action_configuration": {"actions": [{"type": "add_tag", "tag": "seen"}]}}""".formatted(TYPE);
    static final String ACTIONS = "\"action_configuration\": {\"actions\": [{\"type\": \"add_tag\", \"tag\": \"x\"}]}";

    /** Every POST/PUT/PATCH route that reads a body; {t} is the corpus' trigger, {r} its record, {m} its message template,
     * {w} its inbound webhook source, {f} its workflow, {c} its cadence. */
    static final List<String> ROUTES = List.of(
            "POST /api/event-triggers", "PUT /api/event-triggers/{t}", "PATCH /api/event-triggers/{t}",
            "POST /api/event-triggers/{t}/explain", "POST /api/event-triggers/{t}/test", "POST /api/event-triggers/test",
            "POST /api/event-triggers/backtest",
            "POST /api/event-triggers/{t}/execute", "POST /api/event-triggers/{t}/executions/retry",
            "POST /api/event-triggers/{t}/backfill",
            "POST /api/records/{type}", "PUT /api/records/{type}/{r}", "PATCH /api/records/{type}/{r}",
            "POST /api/events", "POST /api/users", "POST /api/capture", "POST /api/keys", "POST /api/templates", "PUT /api/templates/{m}",
            "POST /api/webhook-sources", "PUT /api/webhook-sources/{w}", "POST /api/webhooks/{w}",
            "POST /api/workflows", "PUT /api/workflows/{f}", "POST /api/cadences", "PUT /api/cadences/{c}",
            "POST /ui/sign-in");
    /** The corpus' inbound webhook source ({w}); deliveries to it are signed with its secret, so that their bodies are read. */
    static final String SOURCE = "hostile-" + UUID.randomUUID().toString().substring(0, 8);
    static final String SOURCE_SECRET = "inbound_signing";
    /** Write routes that read no body: a body sent to them is not read, so the corpus has nothing to feed them. */
    static final Set<String> WITHOUT_BODY = Set.of("POST /api/event-triggers/{id}/activate", "POST /api/event-triggers/{id}/deactivate",
            "POST /api/executions/{id}/retry", "POST /api/events/{id}/redispatch",
            "POST /ui/sign-out");

    /** Refused by the JSON reading itself, whatever the route. */
    static final Map<String, byte[]> ANY_ROUTE = new java.util.LinkedHashMap<>();

    static {
        ANY_ROUTE.put("a second document after the first", utf8("{\"name\": \"x\"}{\"name\": \"y\"}"));
        ANY_ROUTE.put("a duplicate key", utf8("{\"name\": \"x\", \"name\": \"y\"}"));
        ANY_ROUTE.put("NUL in a string", utf8("{\"name\": \"a\\u0000b\", \"event\": \"created\"}"));
        ANY_ROUTE.put("NUL in a key", utf8("{\"na\\u0000me\": 1}"));
        ANY_ROUTE.put("an unpaired surrogate", utf8("{\"name\": \"\\udfff\"}"));
        ANY_ROUTE.put("a surrogate pair broken in half", utf8("{\"name\": \"\\ud83d x\"}"));
        ANY_ROUTE.put("a whole number beyond 64 bits", utf8("{\"name\": \"x\", \"id\": 18446744073709551617}"));
        ANY_ROUTE.put("an infinite number", utf8("{\"name\": \"x\", \"max_retries\": 1e400}"));
        ANY_ROUTE.put("a number that underflows to 0", utf8("{\"name\": \"x\", \"score\": 1e-400}"));
        ANY_ROUTE.put("NaN", utf8("{\"name\": NaN}"));
        ANY_ROUTE.put("a body nested 200 deep", utf8("{\"a\": " + "[".repeat(200) + "]".repeat(200) + "}"));
        ANY_ROUTE.put("truncated JSON", utf8("{\"name\": "));
        ANY_ROUTE.put("a single-quoted string", utf8("{'name': 'x'}"));
        ANY_ROUTE.put("a comment", utf8("{\"name\": \"x\" /* y */}"));
        ANY_ROUTE.put("a trailing comma", utf8("{\"name\": \"x\",}"));
        ANY_ROUTE.put("bytes that are not UTF-8", new byte[]{'{', '"', 'n', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
        ANY_ROUTE.put("a number for a body", utf8("42"));
        ANY_ROUTE.put("a string for a body", utf8("\"DROP TABLE users\""));
        ANY_ROUTE.put("an array of nothing for a body", utf8("[]"));
    }

    /** Bodies whose JSON is fine but whose fields are wrong for the route: route, body, the field named. */
    static Stream<Arguments> fieldCases() {
        return Stream.of(
                Arguments.of("POST /api/event-triggers", "{\"name\": [\"x\"], \"trigger_type\": \"manual\", " + ACTIONS + "}", "name"),
                Arguments.of("POST /api/event-triggers", "{\"name\": \"x\", \"trigger_type\": \"manual\", \"max_retries\": 1e10, " + ACTIONS + "}", "max_retries"),
                Arguments.of("POST /api/event-triggers", "{\"name\": \"x\", \"trigger_type\": \"manual\", \"delay_minutes\": \"1; drop table events\", "
                        + ACTIONS + "}", "delay_minutes"),
                Arguments.of("POST /api/event-triggers", "{\"name\": \"x\", \"trigger_type\": \"manual\", \"trigger_conditions\": [{\"field\": \"f\","
                        + " \"operator\": \"regex\", \"value\": \"(((a{1000}){1000}){1000})\"}], " + ACTIONS + "}", "trigger_conditions[0].value"),
                Arguments.of("POST /api/event-triggers", "{\"name\": \"x\", \"trigger_type\": \"time_based\", \"action_configuration\": {\"schedule\":"
                        + " \"99 99 99 99 99\", \"actions\": [{\"type\": \"add_tag\", \"tag\": \"x\"}]}}", "action_configuration.schedule"),
                Arguments.of("POST /api/event-triggers", "{\"name\": \"x\", \"trigger_type\": \"manual\", \"trigger_conditions\": " + "[{\"group\": ".repeat(20)
                        + "[]" + "}]".repeat(20) + ", " + ACTIONS + "}", "trigger_conditions" + "[0].group".repeat(8)),
                Arguments.of("PUT /api/event-triggers/{t}", "{\"name\": \"x\", \"trigger_type\": \"sometimes\", " + ACTIONS + "}", "trigger_type"),
                Arguments.of("PATCH /api/event-triggers/{t}", "{\"is_active\": \"true\"}", "is_active"),
                Arguments.of("PATCH /api/event-triggers/{t}", "{\"version\": 18446744073709551615}", "version"),
                Arguments.of("PATCH /api/event-triggers/{t}", "{\"trigger_conditons\": []}", "trigger_conditons"),
                Arguments.of("POST /api/event-triggers/{t}/explain", "{\"record\": \"x\"}", "record"),
                Arguments.of("POST /api/event-triggers/{t}/explain", "{\"record\": {}, \"previous\": [1]}", "previous"),
                Arguments.of("POST /api/event-triggers/{t}/test", "{\"record\": \"x\"}", "record"),
                Arguments.of("POST /api/event-triggers/test", "{\"record\": {}}", "trigger"),
                Arguments.of("POST /api/event-triggers/backtest", "{\"from\": \"2026-01-01T00:00:00Z\"}", "trigger"),
                Arguments.of("POST /api/event-triggers/backtest", "{\"trigger\": {\"name\": \"x\", \"trigger_type\": \"model_created\","
                        + " \"model_type\": \"Contact\", " + ACTIONS + "}, \"to\": \"tomorrow\"}", "to"),
                Arguments.of("POST /api/event-triggers/backtest", "{\"trigger\": {\"name\": \"x\", \"trigger_type\": \"model_created\","
                        + " \"model_type\": \"Contact\", " + ACTIONS + "}, \"max_events\": 1e9}", "max_events"),
                Arguments.of("POST /api/event-triggers/test", "{\"trigger\": {\"name\": \"x\", \"trigger_type\": \"sometimes\", " + ACTIONS
                        + "}, \"record\": {}}", "trigger.trigger_type"),
                Arguments.of("POST /api/event-triggers/{t}/execute", "{\"entity_id\": {\"a\": 1}}", "entity_id"),
                Arguments.of("POST /api/event-triggers/{t}/execute", "{\"context\": [1]}", "context"),
                Arguments.of("POST /api/event-triggers/{t}/execute", "{\"entity_id\": 12.5}", "entity_id"),
                Arguments.of("POST /api/event-triggers/{t}/execute", "{\"entity_id\": 1e19}", "entity_id"),
                Arguments.of("POST /api/event-triggers/{t}/explain", "{\"entity_type\": \"Contact\", \"entity_id\": 1.5}", "entity_id"),
                Arguments.of("POST /api/event-triggers/{t}/executions/retry", "{\"from\": \"yesterday'; --\"}", "from"),
                Arguments.of("POST /api/event-triggers/{t}/backfill", "{\"from\": \"yesterday'; --\", \"to\": \"2026-01-01T00:00:00Z\"}", "from"),
                Arguments.of("POST /api/event-triggers/{t}/backfill", "{\"from\": \"2026-01-01T00:00:00Z\"}", "to"),
                Arguments.of("POST /api/records/{type}", "{\"tags\": \"vip\"}", "tags"),
                Arguments.of("POST /api/records/{type}", "{\"id\": [\"x\"]}", "id"),
                Arguments.of("POST /api/records/{type}", "{\"id\": 1e19}", "id"),
                Arguments.of("POST /api/records/{type}", "{\"id\": \"" + "x".repeat(201) + "\"}", "id"),
                Arguments.of("POST /api/records/{type}", "{\"assigned_to\": {\"id\": 1}}", "assigned_to"),
                Arguments.of("PUT /api/records/{type}/{r}", "{\"tags\": [1]}", "tags[0]"),
                Arguments.of("PATCH /api/records/{type}/{r}", "{\"tags\": [\"\"]}", "tags[0]"),
                Arguments.of("POST /api/events", "{\"event\": 5, \"entity_type\": \"" + TYPE + "\"}", "event"),
                Arguments.of("POST /api/events", "{\"event\": \"created\", \"entity_type\": \"" + TYPE + "\", \"record\": [1]}", "record"),
                Arguments.of("POST /api/events", "{\"event\": \"created\", \"entity_type\": \"" + TYPE + "\", \"entity_id\": 1e19, \"record\": {}}", "entity_id"),
                Arguments.of("POST /api/events", "{\"event\": \"created\", \"entity_type\": \"Robert'); DROP TABLE events;--\", \"record\": {}}", "entity_type"),
                Arguments.of("POST /api/events", "[{\"event\": \"created\", \"entity_type\": \"" + TYPE + "\", \"record\": {}}, 7]", "[1]"),
                Arguments.of("POST /api/events", "{\"event\": \"lead.scored\", \"entity_type\": \"" + TYPE + "\", \"record\": {},"
                        + " \"event_id\": \"webhook:marketing:msg_1\"}", "event_id"),
                Arguments.of("POST /api/events", "{\"event\": \"deal.scheduled\", \"entity_type\": \"" + TYPE + "\", \"record\": {},"
                        + " \"event_id\": \"schedule:1:deal/7\"}", "event_id"),
                Arguments.of("POST /api/users", "{\"id\": \"u-hostile\", \"roles\": \"admin\"}", "roles"),
                Arguments.of("POST /api/users", "{\"id\": \"u-hostile\", \"active\": \"yes\"}", "active"),
                Arguments.of("POST /api/users", "{\"name\": \"no id\"}", "id"),
                Arguments.of("POST /api/capture", "{\"table\": 5, \"model_type\": \"Contact\"}", "table"),
                Arguments.of("POST /api/capture", "{\"table\": \"contacts\", \"model_type\": [\"Contact\"]}", "model_type"),
                Arguments.of("POST /api/capture", "{\"table\": \"a.b.c.d\", \"model_type\": \"Contact\"}", "table"),
                Arguments.of("POST /api/capture", "{\"table\": \"contacts; drop table users\", \"model_type\": \"Contact\"}", "table"),
                Arguments.of("POST /api/keys", "{\"name\": \"x\", \"scopes\": \"admin\"}", "scopes"),
                Arguments.of("POST /api/keys", "{\"name\": \"x\", \"scopes\": [\"root\"]}", "scopes[0]"),
                Arguments.of("POST /api/keys", "{\"name\": \"bad name'; drop table api_keys; --\", \"scopes\": [\"read\"]}", "name"),
                Arguments.of("POST /api/keys", "{\"name\": \"bootstrap\", \"scopes\": [\"read\"]}", "name"),
                Arguments.of("POST /api/keys", "{\"name\": \"x\", \"scopes\": [\"read\"], \"key\": \"chosen\"}", "key"),
                Arguments.of("POST /api/templates", "{\"name\": \"x\", \"channel\": 5, \"text_body\": \"x\"}", "channel"),
                Arguments.of("POST /api/templates", "{\"id\": 1e19, \"name\": \"x\", \"channel\": \"sms\", \"text_body\": \"x\"}", "id"),
                Arguments.of("POST /api/templates", "{\"name\": \"x\", \"channel\": \"email\", \"subject\": \"{{> header}}\", \"text_body\": \"x\"}",
                        "subject"),
                Arguments.of("PUT /api/templates/{m}", "{\"name\": \"x\", \"channel\": \"sms\", \"text_body\": [\"x\"]}", "text_body"),
                Arguments.of("POST /api/webhook-sources", "{\"name\": 5, \"secret\": \"inbound_signing\"}", "name"),
                Arguments.of("POST /api/webhook-sources", "{\"name\": \"x\", \"secret\": \"whsec_pasted-here-by-mistake\"}", "secret"),
                Arguments.of("POST /api/webhook-sources", "{\"name\": \"x\", \"secret\": \"inbound_signing\", \"record\": {\"when_missing\": \"maybe\"}}",
                        "record.when_missing"),
                Arguments.of("POST /api/webhook-sources", "{\"name\": \"x\", \"secret\": \"inbound_signing\", \"record\": {\"lookup\": {\"email\": \"email\"}}}",
                        "record.model_type"),
                Arguments.of("PUT /api/webhook-sources/{w}", "{\"secret\": \"inbound_signing\", \"verification\": 1}", "verification"),
                Arguments.of("POST /api/webhooks/{w}", "{\"entity_type\": \"Deal\", \"entity_id\": [1]}", "entity_id"),
                Arguments.of("POST /api/webhooks/{w}", "{\"entity_type\": \"Robert'); DROP TABLE events;--\", \"entity_id\": 1}", "entity_type"),
                Arguments.of("POST /api/workflows", "{\"name\": \"x\", \"actions\": [{\"type\": \"webhook\"}]}", "actions[0].url"),
                Arguments.of("POST /api/workflows", "{\"id\": -3, \"name\": \"x\", \"actions\": [{\"type\": \"add_tag\", \"tag\": \"x\"}]}", "id"),
                Arguments.of("PUT /api/workflows/{f}", "{\"name\": \"x\", \"actions\": \"add_tag\"}", "actions"),
                Arguments.of("POST /api/cadences", "{\"name\": \"x\", \"steps\": [{\"action\": {\"type\": \"add_tag\", \"tag\": \"x\"}, \"delay_hours\": \"1d\"}]}",
                        "steps[0].delay_hours"),
                Arguments.of("PUT /api/cadences/{c}", "{\"name\": \"x\", \"steps\": [{\"action\": {\"type\": \"add_tag\", \"tag\": \"x\"}}],"
                        + " \"exit_conditions\": [{\"field\": \"a\", \"operator\": \"sometimes\"}]}", "exit_conditions[0].operator"));
    }

    @Inject
    Pool pool;

    private static long trigger;
    private static String record;
    private static long template;
    private static long workflow;
    private static long cadence;

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The trigger and the record the routes with an id write to, created once. */
    private static synchronized void fixture() {
        if (record == null) {
            trigger = api().body(TRIGGER).post("/api/event-triggers").then().statusCode(201).extract().<Integer>path("id");
            template = api().body(Map.of("name", "target", "channel", "sms", "text_body", "hi")).post("/api/templates").then().statusCode(201)
                    .extract().<Integer>path("id");
            workflow = api().body("{\"name\": \"target\", \"actions\": [{\"type\": \"add_tag\", \"tag\": \"x\"}]}").post("/api/workflows")
                    .then().statusCode(201).extract().<Integer>path("id");
            cadence = api().body("{\"name\": \"target\", \"steps\": [{\"action\": {\"type\": \"add_tag\", \"tag\": \"x\"}}]}")
                    .post("/api/cadences").then().statusCode(201).extract().<Integer>path("id");
            record = api().body("{\"name\": \"target\"}").post("/api/records/" + TYPE).then().statusCode(201).extract().path("id");
            api().body(Map.of("name", SOURCE, "secret", SOURCE_SECRET)).post("/api/webhook-sources").then().statusCode(201);
        }
    }

    private static String path(String route) {
        return route.substring(route.indexOf(' ') + 1).replace("{t}", Long.toString(trigger)).replace("{type}", TYPE).replace("{r}", record)
                .replace("{m}", Long.toString(template)).replace("{w}", SOURCE).replace("{f}", Long.toString(workflow)).replace("{c}", Long.toString(cadence));
    }

    static Stream<Arguments> anyRouteCases() {
        return ROUTES.stream().flatMap(route -> ANY_ROUTE.keySet().stream().map(body -> Arguments.of(route, body)));
    }

    @ParameterizedTest(name = "{0} with {1}")
    @MethodSource("anyRouteCases")
    void aBodyTheJsonReaderRefusesIs4xxNamingWhereAndChangesNothing(String route, String body) {
        fixture();
        String before = fingerprint();
        Response response = send(route, ANY_ROUTE.get(body));
        assertRefused(route, response, null);
        assertEquals(before, fingerprint(), "a stored row changed");
    }

    @ParameterizedTest(name = "{0} with {1}")
    @MethodSource("fieldCases")
    void aWrongFieldIs4xxNamingItAndChangesNothing(String route, String body, String field) {
        fixture();
        String before = fingerprint();
        assertRefused(route, send(route, utf8(body)), field);
        assertEquals(before, fingerprint(), "a stored row changed");
    }

    @Test
    void aBodyTooLargeIs413OnEveryRouteAndChangesNothing() throws IOException {
        fixture();
        String before = fingerprint();
        for (String route : ROUTES) {
            String method = route.substring(0, route.indexOf(' '));
            String answer = raw(method + " " + path(route) + " HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: "
                    + 20 * 1024 * 1024 + "\r\nExpect: 100-continue\r\n");
            assertTrue(answer.startsWith("HTTP/1.1 413 "), route + ": " + answer);
            assertTrue(answer.toLowerCase().contains("content-type: application/problem+json"), answer);
            assertEquals("$", JsonPath.from(answer.substring(answer.indexOf("\r\n\r\n") + 4)).getString("errors[0].path"));
        }
        assertEquals(before, fingerprint(), "a stored row changed");
    }

    private static final String[] LOOKS_HOSTILE = {
        "Robert'); DROP TABLE crm_records;--", "' OR '1'='1", "1; select pg_sleep(10)", "$1 $$ \\x00 %s %n {{entity.id}}",
        "\u202eevil.exe", "\u200b\u200c\u200d\ufeff", "\ud83d\udc69\u200d\ud83d\udcbb", "e\u0301 \u0065\u0301 \u00e9", "\u0130stanbul \u0131", "\uffff \ufffd"};

    @Test
    void stringsThatOnlyLookHostileAreStoredVerbatim() {
        Map<String, Object> attributes = new java.util.LinkedHashMap<>();
        for (int i = 0; i < LOOKS_HOSTILE.length; i++) {
            attributes.put("f" + i, LOOKS_HOSTILE[i]);
        }
        attributes.put("Robert'); DROP TABLE users;--", "as a key");
        String id = api().body(attributes).post("/api/records/" + TYPE + "lookalike").then().statusCode(201).extract().path("id");
        Map<String, Object> stored = api().get("/api/records/" + TYPE + "lookalike/" + id).then().statusCode(200).extract().as(Map.class);
        attributes.forEach((key, value) -> assertEquals(value, stored.get(key), key));

        for (String name : LOOKS_HOSTILE) {
            Map<String, Object> body = new java.util.LinkedHashMap<>(JsonPath.from(TRIGGER).getMap(""));
            body.put("name", name);
            String location = api().body(body).post("/api/event-triggers").then().statusCode(201).extract().header("Location");
            assertEquals(name, RestAssured.given().header("Authorization", "Bearer " + dev.triggerfish.Api.KEY).get(location)
                    .then().statusCode(200).extract().path("name"));
        }

        String user = "u-" + UUID.randomUUID().toString().substring(0, 8) + "' OR '1'='1";
        api().body(Map.of("id", user, "name", LOOKS_HOSTILE[0], "roles", List.of(LOOKS_HOSTILE[1]))).post("/api/users").then().statusCode(200);
        JsonPath read = api().get("/api/users/{id}", user).then().statusCode(200).extract().jsonPath();
        assertEquals(LOOKS_HOSTILE[0], read.getString("name"));
        assertEquals(List.of(LOOKS_HOSTILE[1]), read.getList("roles"));

        int event = api().body(Map.of("event", "lead.scored", "entity_type", TYPE, "entity_id", LOOKS_HOSTILE[1], "record", attributes))
                .post("/api/events").then().statusCode(202).extract().path("event_ids[0]");
        JsonPath stored2 = api().get("/api/events/" + event).then().statusCode(200).extract().jsonPath();
        assertEquals(LOOKS_HOSTILE[1], stored2.getString("entity_id"));
        assertEquals(attributes, stored2.getMap("new_state"));
    }

    @Test
    void theCorpusCoversEveryWriteRouteThatReadsABody() throws Exception {
        Set<String> found = new TreeSet<>();
        try (Stream<java.nio.file.Path> files = Files.walk(java.nio.file.Path.of("target/classes"))) {
            for (java.nio.file.Path file : files.filter(f -> f.toString().endsWith(".class") && !f.toString().contains("$")).toList()) {
                String name = java.nio.file.Path.of("target/classes").relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                Class<?> type = Class.forName(name, false, Thread.currentThread().getContextClassLoader());
                if (type.isAnnotationPresent(Path.class)) {
                    found.addAll(writeRoutes(type));
                }
            }
        }
        Set<String> expected = new TreeSet<>(WITHOUT_BODY);
        ROUTES.forEach(r -> expected.add(r.replace("{t}", "{id}").replace("{r}", "{id}").replace("{m}", "{id}").replace("{w}", "{id}")
                .replace("{f}", "{id}").replace("{c}", "{id}")));
        assertEquals(expected, found);
    }

    private static List<String> writeRoutes(Class<?> resource) {
        List<String> routes = new ArrayList<>();
        String base = resource.getAnnotation(Path.class).value();
        for (Method m : resource.getDeclaredMethods()) {
            String verb = m.isAnnotationPresent(POST.class) ? "POST" : m.isAnnotationPresent(PUT.class) ? "PUT" : m.isAnnotationPresent(PATCH.class) ? "PATCH" : null;
            if (verb == null) {
                continue;
            }
            String sub = m.isAnnotationPresent(Path.class) ? "/" + m.getAnnotation(Path.class).value() : "";
            routes.add(verb + " " + (base + sub).replaceAll("\\{[a-z_]+}", "{id}").replace("/api/records/{id}", "/api/records/{type}"));
        }
        return routes;
    }

    private static Response send(String route, byte[] body) {
        String method = route.substring(0, route.indexOf(' '));
        io.restassured.specification.RequestSpecification request = api().contentType(ContentType.JSON.withCharset(StandardCharsets.UTF_8));
        if (route.startsWith("POST /api/webhooks/")) {
            request = signed(request, body);
        }
        return request.body(body).request(method, path(route));
    }

    /** A delivery signed (Standard Webhooks) over exactly these bytes with the corpus source's secret. */
    private static io.restassured.specification.RequestSpecification signed(io.restassured.specification.RequestSpecification request,
                                                                           byte[] body) {
        String secret = org.eclipse.microprofile.config.ConfigProvider.getConfig().getValue("triggerfish.secret." + SOURCE_SECRET, String.class);
        String id = "msg_" + UUID.randomUUID().toString().replace("-", "");
        long now = java.time.Instant.now().getEpochSecond();
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(java.util.Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
            mac.update((id + "." + now + ".").getBytes(StandardCharsets.UTF_8));
            String signature = "v1," + java.util.Base64.getEncoder().encodeToString(mac.doFinal(body));
            return request.header("webhook-id", id).header("webhook-timestamp", Long.toString(now)).header("webhook-signature", signature);
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    private static void assertRefused(String route, Response response, String field) {
        int status = response.statusCode();
        assertTrue(status >= 400 && status < 500, route + " answered " + status + ": " + response.asString());
        assertEquals(ProblemBody.MEDIA_TYPE, response.contentType().split(";")[0], response.asString());
        String path = response.jsonPath().getString("errors[0].path");
        if (field == null) {
            assertFalse(path == null || path.isBlank(), "no field named: " + response.asString());
        } else {
            assertEquals(field, path, response.asString());
        }
        assertFalse(response.jsonPath().getString("detail").isBlank());
    }

    /** What the corpus' requests could change: triggers, the corpus' records, events sent by clients, its trigger's executions, users, captures. */
    private String fingerprint() {
        return pool.preparedQuery("""
                        select concat_ws('|',
                          (select count(*) || md5(coalesce(string_agg(id || ':' || version || ':' || is_active, ',' order by id), '')) from event_triggers),
                          (select count(*) || md5(coalesce(string_agg(id || ':' || version, ',' order by id), '')) from crm_records where type = $1),
                          (select count(*) from events where source in ('api', 'manual', 'records', 'webhook')),
                          (select count(*) || md5(coalesce(string_agg(name || ':' || version, ',' order by name), '')) from webhook_sources),
                          (select count(*) from trigger_executions where trigger_id = $2),
                          (select count(*) || md5(coalesce(string_agg(id || ':' || coalesce(name, '') || ':' || array_to_string(roles, ',') || ':' || active,
                                                                      ',' order by id), '')) from users),
                          (select count(*) from pg_trigger where tgname = 'triggerfish_capture'),
                          (select count(*) || md5(coalesce(string_agg(id || ':' || coalesce(revoked_at::text, ''), ',' order by id), '')) from api_keys),
                          (select count(*) || md5(coalesce(string_agg(id || ':' || version, ',' order by id), '')) from message_templates),
                          (select count(*) || md5(coalesce(string_agg(id || ':' || version, ',' order by id), '')) from workflows),
                          (select count(*) || md5(coalesce(string_agg(id || ':' || version, ',' order by id), '')) from cadences),
                          (select count(*) from audit_log)) as fingerprint""")
                .execute(Tuple.of(TYPE, trigger))
                .await().atMost(Duration.ofSeconds(10))
                .iterator().next().getString("fingerprint");
    }

    /** The answer to a request made of {@code head} (request line and headers), with the key and no body. */
    private static String raw(String head) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(utf8(head + "Host: localhost\r\nAuthorization: Bearer " + dev.triggerfish.Api.KEY
                    + "\r\nConnection: close\r\n\r\n"));
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            socket.getInputStream().transferTo(answer);
            return answer.toString(StandardCharsets.UTF_8);
        }
    }
}
