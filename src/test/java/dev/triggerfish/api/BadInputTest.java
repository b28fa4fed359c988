package dev.triggerfish.api;

import dev.triggerfish.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static dev.triggerfish.Api.api;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 9, item 8: bad input is never silently changed nor answered 500; each gets a 4xx problem+json naming the field. */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class BadInputTest {

    private static String type() {
        return "probe" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }

    private static int total(String type) {
        return api().get("/api/records/" + type).then().statusCode(200).extract().path("total");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"id\": 18446744073709551617}                      | id",
        "{\"id\": 1e400}                                     | id",
        "{\"id\": 1e19}                                      | id",
        "{\"score\": 1e400}                                  | score",
        "{\"score\": -1e400}                                 | score",
        "{\"score\": 1e-400}                                 | score",
        "{\"count\": 99999999999999999999999}                | count",
        "{\"name\": \"a\\u0000b\"}                           | name",
        "{\"name\": \"\\ud800\"}                             | name",
        "{\"name\": \"x\\udc00y\"}                           | name",
        "{\"address\": {\"lines\": [\"x\", \"a\\u0000\"]}}   | address.lines[1]",
        "{\"a\\u0000b\": 1}                                  | a\\u0000b",
        "{\"address\": {\"\\ud83d\": 1}}                     | address",
    })
    void aValueThatCannotBeStoredAsWrittenIsRefusedNamingItsPath(String body, String path) {
        String type = type();
        api().body("{\"seed\": 1}").post("/api/records/" + type).then().statusCode(201);
        api().body(body).post("/api/records/" + type)
                .then().log().ifValidationFails().statusCode(org.hamcrest.Matchers.both(org.hamcrest.Matchers.greaterThanOrEqualTo(400)).and(org.hamcrest.Matchers.lessThan(500)))
                .contentType("application/problem+json")
                .body("errors[0].path", equalTo(path));
        assertEquals(1, total(type), "nothing stored");
    }

    @Test
    void aBigIdIsNeverWrappedAndAnEmojiIsStoredIntact() {
        String type = type();
        api().body("{\"id\": 18446744073709551617}").post("/api/records/" + type).then().statusCode(400);
        api().get("/api/records/" + type + "/1").then().statusCode(404);
        // a large id written as a string, and a real surrogate pair, are stored verbatim
        api().body("{\"id\": \"18446744073709551617\", \"name\": \"\ud83d\udc1f fish\"}").post("/api/records/" + type).then().statusCode(201);
        api().get("/api/records/" + type + "/18446744073709551617").then().statusCode(200).body("name", equalTo("\ud83d\udc1f fish"));
        api().body("{\"id\": 12.0}").post("/api/records/" + type).then().statusCode(201).body("id", equalTo("12"));
    }

    @Inject
    Pool pool;

    @Test
    void aRowStoredBeforeTheseChecksStaysReadable() {
        String type = type();
        pool.preparedQuery("insert into crm_records (type, id, attributes) values ($1, 'old', '{\"big\": 99999999999999999999999}'::jsonb)")
                .execute(Tuple.of(type)).await().atMost(Duration.ofSeconds(10));
        api().get("/api/records/" + type + "/old").then().statusCode(200).body("big", equalTo(new java.math.BigInteger("99999999999999999999999")));
    }

    @Test
    void aSecondDocumentAfterTheFirstOrADuplicateKeyIsRefused() {
        String type = type();
        api().body("{\"a\": 1}{\"b\": 2}").post("/api/records/" + type).then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].message", startsWith("holds more JSON after the end of the first document"));
        api().body("{\"a\": 1} [2]").post("/api/events").then().statusCode(400).contentType("application/problem+json");
        api().body("{\"a\": 1, \"a\": 2}").post("/api/records/" + type).then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].path", equalTo("a")).body("detail", containsString("Duplicate field 'a'"));
        api().get("/api/records/" + type).then().body("total", equalTo(0));
    }

    @Test
    void bodiesNestedTooDeeplyAreRefused() {
        String deep = "{\"a\": " + "[".repeat(StrictJson.MAX_DEPTH + 1) + "]".repeat(StrictJson.MAX_DEPTH + 1) + "}";
        api().body(deep).post("/api/records/" + type()).then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void eventsRefuseNulAndOutOfRangeIdsWithTheItemsPath() {
        api().body("[{\"event\": \"created\", \"entity_type\": \"Contact\", \"entity_id\": 1, \"record\": {\"x\": 1}},"
                        + " {\"event\": \"created\", \"entity_type\": \"Contact\", \"entity_id\": 2, \"record\": {\"x\": \"\\u0000\"}}]")
                .post("/api/events").then().statusCode(400).contentType("application/problem+json").body("errors[0].path", equalTo("[1].record.x"));
        api().body("{\"event\": \"created\", \"entity_type\": \"Contact\", \"entity_id\": 12.5, \"record\": {\"x\": 1}}")
                .post("/api/events").then().statusCode(422).body("errors[0].path", equalTo("entity_id"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/api/records/contacts        | page     | NaN",
        "/api/records/contacts        | page     | 2147483647",
        "/api/records/contacts        | page     | 99999999999",
        "/api/records/contacts        | per_page | abc",
        "/api/event-triggers          | page     | 2147483647",
        "/api/event-triggers          | page     | 1.5",
        "/api/event-triggers          | per_page | NaN",
        "/api/event-triggers/1/executions | limit | lots",
    })
    void aQueryParameterThatDoesNotParseOrOverflowsIs400NamingIt(String route, String parameter, String value) {
        api().queryParam(parameter, value).get(route)
                .then().statusCode(400).contentType("application/problem+json").body("errors[0].path", equalTo(parameter));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "GET    | /api/users/a%00b",
        "DELETE | /api/users/a%00b",
        "GET    | /api/records/contacts/a%00b",
        "PUT    | /api/records/contacts/a%00b",
        "GET    | /api/records/con%00tacts",
        "DELETE | /api/capture/a%00b",
        "GET    | /api/event-triggers?model_type=a%00b",
    })
    void aNulInThePathOrQueryIs400NamingTheUri(String method, String uri) throws IOException {
        assertProblem(raw(method + " " + uri + " HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\n", "{}"), 400, "uri");
    }

    @Test
    void aPathIdThatIsNotANumberIs404NamingIt() {
        api().get("/api/event-triggers/abc").then().statusCode(404).contentType("application/problem+json").body("errors[0].path", equalTo("id"));
    }

    @Test
    void requestsTooLargeAreAnsweredAsProblemJson() throws IOException {
        assertProblem(raw("GET /api/records/contacts?q=" + "x".repeat(5000) + " HTTP/1.1\r\n"), 414, "uri");
        assertProblem(raw("GET /api/records/contacts HTTP/1.1\r\nX-Padding: " + "y".repeat(30_000) + "\r\n"), 431, "headers");
        // as curl sends a large body: the headers first, the body only after "100 Continue"
        String type = type();
        assertProblem(raw("POST /api/records/" + type + " HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: "
                + 11 * 1024 * 1024 + "\r\nExpect: 100-continue\r\n"), 413, "$");
        assertEquals(0, total(type));
    }

    /** The answer to a request made of {@code head} (request line and headers, each ending in CRLF) and the key, sent as is. */
    private static String raw(String head) throws IOException {
        return raw(head, "");
    }

    private static String raw(String head, String body) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
            socket.setSoTimeout(10_000);
            String request = head + "Host: localhost\r\nAuthorization: Bearer " + dev.triggerfish.Api.KEY + "\r\nConnection: close\r\n\r\n" + body;
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void assertProblem(String response, int status, String path) {
        assertTrue(response.startsWith("HTTP/1.1 " + status + " "), response);
        String headers = response.substring(0, response.indexOf("\r\n\r\n")).toLowerCase();
        assertTrue(headers.contains("content-type: application/problem+json"), headers);
        JsonPath problem = JsonPath.from(response.substring(response.indexOf("\r\n\r\n") + 4));
        assertEquals(status, problem.getInt("status"));
        assertEquals(path, problem.getString("errors[0].path"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"99 99 99 99 99", "*/99999999999 * * * *", "*/100 * * * *", "0 0 32 * *", "0 0 * * 8"})
    void aCronScheduleOutOfRangeIsRefused(String schedule) {
        api().body("""
                        {"name": "bad schedule", "trigger_type": "time_based",
                         "action_configuration": {"schedule": "%s", "actions": [{"type": "add_tag", "tag": "x"}]}}""".formatted(schedule))
                .post("/api/event-triggers")
                .then().statusCode(422).contentType("application/problem+json")
                .body("errors[0].path", equalTo("action_configuration.schedule"))
                .body("errors[0].message", startsWith("is not a valid cron expression"));
    }

    @Test
    void aUserIsListedOncePerRoleWhateverItsRolesRepeat() {
        String id = "u-" + UUID.randomUUID().toString().substring(0, 8);
        String role = "role-" + UUID.randomUUID().toString().substring(0, 8);
        api().body("{\"id\": \"" + id + "\", \"roles\": [\"" + role + "\", \"" + role + "\"]}").post("/api/users")
                .then().statusCode(200).body("roles", equalTo(List.of(role)));
        api().get("/api/roles").then().statusCode(200).body("'" + role + "'", equalTo(List.of(id)));
    }
}
