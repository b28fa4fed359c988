package dev.triggerfish.support;

/** One bad item of a request: the JSON path (or query parameter) and what is wrong with it. */
public record FieldError(String path, String message) {
}
