package dev.triggerfish.api;

import dev.triggerfish.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/** Health, metrics, OpenAPI and Swagger UI are served, without an API key. */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class OperationsTest {

    @Test
    void livenessAndReadinessIncludingTheDatabase() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItem(containsString("Reactive PostgreSQL")));
    }

    @Test
    void prometheusMetrics() {
        given().header("X-API-Key", "test-key").get("/api/event-triggers").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("http_server_requests_seconds_count"))
                .body(containsString("jvm_memory_used_bytes"));
    }

    @Test
    void openApiAndSwaggerUi() {
        given().queryParam("format", "json").get("/q/openapi").then().statusCode(200)
                .body(containsString("/api/event-triggers/{id}"))
                .body(containsString("/api/records/{type}"));
        given().get("/q/swagger-ui/").then().statusCode(200);
    }

    @Test
    void unknownRoutesAreProblems() {
        given().header("X-API-Key", "test-key").get("/api/nothing-here").then().statusCode(404)
                .contentType("application/problem+json");
    }
}
