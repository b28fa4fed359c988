package dev.triggerfish.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.triggerfish.support.FieldError;

import java.util.List;

/** The JSON of a problem+json answer (RFC 9457), with our {@code errors} extension. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ProblemBody(String type, String title, int status, String detail, String instance, List<FieldError> errors) {
    public static final String MEDIA_TYPE = "application/problem+json";
}
