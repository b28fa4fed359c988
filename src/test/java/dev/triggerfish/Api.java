package dev.triggerfish;

import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** Test helper: a request to the API with the test profile's key. */
public final class Api {
    public static final String KEY = "test-key";

    private Api() {
    }

    public static RequestSpecification api() {
        return RestAssured.given().header("Authorization", "Bearer " + KEY).contentType(ContentType.JSON);
    }
}
