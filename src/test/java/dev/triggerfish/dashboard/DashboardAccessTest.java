package dev.triggerfish.dashboard;

import dev.triggerfish.Api;
import dev.triggerfish.PostgresResource;
import dev.triggerfish.RawHttp;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Who may see the dashboard, and how a person signs in: the sign-in form's cookie opens {@code /ui} pages
 * for reading and nothing else; bad input is a page saying what is wrong, never a 500.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class DashboardAccessTest {
    private static final String COOKIE = "triggerfish_ui_key";

    @Test
    void withoutAKeyAPersonIsSentToTheSignInForm() {
        RestAssured.given().redirects().follow(false).get("/ui").then().statusCode(303).header("Location", equalTo("/ui/sign-in"));
        RestAssured.given().redirects().follow(false).get("/ui/executions/1").then().statusCode(303);
        RestAssured.given().redirects().follow(false).cookie(COOKIE, "not-a-key").get("/ui").then().statusCode(303)
                .header("Location", equalTo("/ui/sign-in"));
        for (String spelling : java.util.List.of("/ui/", "//ui", "/ui/./", "/UI", "/ui/sign-in/../", "/ui;x", "/ui/executions/1/")) {
            RawHttp.Answer answer = RawHttp.send(RestAssured.port, "GET", spelling, null, null);
            assertTrue(java.util.Set.of(303, 400, 401, 404).contains(answer.status()) && !answer.body().contains("id=\"triggers\""),
                    spelling + " answered " + answer.text());
        }
        RestAssured.given().cookie(COOKIE, "not-a-key").get("/ui/sign-in").then().statusCode(200).contentType(containsString("text/html"))
                .body(containsString("name=\"api_key\""));
    }

    @Test
    void signingInKeepsTheKeyInAStrictHttpOnlyCookieForTheDashboardOnly() {
        Response signedIn = signIn(Api.KEY);
        signedIn.then().statusCode(303).header("Location", endsWith("/ui"));
        String setCookie = signedIn.header("Set-Cookie");
        assertTrue(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict") && setCookie.contains("Path=/ui"), setCookie);
        String key = signedIn.cookie(COOKIE);

        RestAssured.given().cookie(COOKIE, key).get("/ui").then().statusCode(200).contentType(containsString("text/html"))
                .header("Content-Security-Policy", containsString("script-src 'self'"))
                .body(containsString("id=\"triggers\""), not(containsString(Api.KEY)));
        // the API's own rules are unchanged: a cookie is no API key there, however the path is spelled
        RestAssured.given().cookie(COOKIE, key).get("/api/event-triggers").then().statusCode(401).contentType("application/problem+json");
        RawHttp.Answer around = RawHttp.send(RestAssured.port, "GET", "/ui/../api/event-triggers", "Cookie: " + COOKIE + "=" + key + "\r\n", null);
        assertTrue(around.status() == 401 || around.status() == 404 || around.status() == 400, around.text());
        // and it only reads: a write with it is refused before it reaches anything
        RestAssured.given().redirects().follow(false).cookie(COOKIE, key).contentType("application/json").body("{}")
                .post("/ui").then().statusCode(303).header("Location", equalTo("/ui/sign-in"));

        Response out = RestAssured.given().redirects().follow(false).cookie(COOKIE, key).post("/ui/sign-out");
        out.then().statusCode(303).header("Location", endsWith("/ui/sign-in"));
        assertTrue(out.header("Set-Cookie").contains("Max-Age=0"), out.header("Set-Cookie"));
    }

    @Test
    void anUnknownKeyIsRefusedOnTheFormItself() {
        signIn("no-such-key").then().statusCode(401).contentType(containsString("text/html"))
                .body(containsString("unknown or revoked"), not(containsString("no-such-key")));
        RestAssured.given().redirects().follow(false).contentType("application/x-www-form-urlencoded").body("api_key=")
                .post("/ui/sign-in").then().statusCode(400).body(containsString("Enter an API key"));
        RestAssured.given().contentType("application/json").body("{\"api_key\": \"test-key\"}").post("/ui/sign-in").then().statusCode(415)
                .contentType("application/problem+json").body("errors[0].path", equalTo("Content-Type"));
    }

    @Test
    void badInputIsAPageThatSaysWhatIsWrong() {
        String key = signIn(Api.KEY).cookie(COOKIE);
        page(key, "/ui/explain?event_id=abc").then().statusCode(400).contentType(containsString("text/html"))
                .body(containsString("event_id: must be a whole number, was &#39;abc&#39;"), containsString("id=\"event_id\""),
                        not(containsString("Exception")));
        page(key, "/ui/explain?event_id=99999999999").then().statusCode(404).body(containsString("event 99999999999 does not exist"));
        page(key, "/ui/executions/abc").then().statusCode(404).contentType(containsString("text/html"))
                .body(containsString("id must be a whole number"));
        page(key, "/ui/executions/99999999999").then().statusCode(404).body(containsString("execution 99999999999 does not exist"));
        page(key, "/ui?page=0").then().statusCode(400).body(containsString("page: must be from 1"));
        page(key, "/ui?page=x").then().statusCode(400).body(containsString("page: must be a whole number"));
        assertEquals(200, page(key, "/ui/explain").statusCode());
    }

    private static Response signIn(String key) {
        return RestAssured.given().redirects().follow(false).contentType("application/x-www-form-urlencoded")
                .formParam("api_key", key).post("/ui/sign-in");
    }

    private static Response page(String key, String path) {
        return RestAssured.given().redirects().follow(false).cookie(COOKIE, key).get(path);
    }
}
