package dev.triggerfish.api;

import dev.triggerfish.support.FieldError;
import dev.triggerfish.support.InvalidInput;
import dev.triggerfish.support.NotFound;
import java.util.List;
import java.util.Map;

/**
 * A failure that becomes an RFC 9457 problem+json answer: a status, a short title, a detail and,
 * for validation failures, every bad field with its JSON path.
 */
public class ApiProblem extends RuntimeException {
    private final int status;
    private final String title;
    private final transient List<FieldError> errors;
    private final transient java.util.Map<String, String> headers = new java.util.LinkedHashMap<>();

    public ApiProblem(int status, String title, String detail, List<FieldError> errors) {
        super(detail);
        this.status = status;
        this.title = title;
        this.errors = errors == null ? List.of() : List.copyOf(errors);
    }

    public ApiProblem(int status, String title, String detail) {
        this(status, title, detail, List.of());
    }

    public static ApiProblem notFound(String what, Object id) {
        return Problems.of(new NotFound(what, id));
    }

    public static ApiProblem invalid(String what, List<FieldError> errors) {
        return Problems.of(new InvalidInput(what, errors));
    }

    public static ApiProblem badRequest(String path, String message) {
        return new ApiProblem(400, "Bad request", path + ": " + message, List.of(new FieldError(path, message)));
    }

    /** A request's JSON body as its route needs it: an object (a missing body or JSON {@code null} is a 400 naming {@code $}). */
    public static Map<String, Object> requireObject(Map<String, Object> body) {
        if (body == null) {
            throw badRequest("$", "a JSON object is required");
        }
        return body;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public List<FieldError> errors() {
        return errors;
    }

    /** This problem, answered with an extra header (e.g. {@code Retry-After}). */
    public ApiProblem withHeader(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public java.util.Map<String, String> headers() {
        return headers;
    }
}
