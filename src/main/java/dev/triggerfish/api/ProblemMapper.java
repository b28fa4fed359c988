package dev.triggerfish.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.triggerfish.support.DomainFailure;
import dev.triggerfish.support.FieldError;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.hibernate.StaleStateException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.List;

/** Maps every failure to problem+json in one place; an unexpected one is logged and answered 500 without internals. */
public class ProblemMapper {
    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    @ServerExceptionMapper
    public Response apiProblem(ApiProblem problem, HttpServerRequest request) {
        Response response = respond(problem.status(), problem.title(), problem.getMessage(), request, problem.errors());
        if (problem.headers().isEmpty()) {
            return response;
        }
        Response.ResponseBuilder builder = Response.fromResponse(response);
        problem.headers().forEach(builder::header);
        return builder.build();
    }

    /** What the domain refused (not found, invalid, a version conflict…), answered as {@link Problems} says. */
    @ServerExceptionMapper
    public Response domainFailure(DomainFailure failure, HttpServerRequest request) {
        return apiProblem(Problems.of(failure), request);
    }

    @ServerExceptionMapper
    public Response badJson(JsonProcessingException e, HttpServerRequest request) {
        String path = e instanceof JsonMappingException m ? JsonPaths.of(m.getPath()) : JsonPaths.at(e);
        if (e instanceof StrictJson.Refused) {
            return respond(400, "Unacceptable JSON value", path + " " + e.getOriginalMessage(), request,
                    List.of(new FieldError(path, e.getOriginalMessage())));
        }
        String message = e instanceof MismatchedInputException && String.valueOf(e.getOriginalMessage()).startsWith("Trailing token")
                ? "holds more JSON after the end of the first document (a body is one JSON value)"
                : e instanceof MismatchedInputException
                ? "has the wrong JSON type"
                : "is not valid JSON: " + e.getOriginalMessage();
        return respond(400, "Malformed JSON", path + " " + message, request, List.of(new FieldError(path, message)));
    }

    /** Declared on its own: Quarkus has a built-in mapper for this subtype that would answer without a body. */
    @ServerExceptionMapper
    public Response wrongJsonType(MismatchedInputException e, HttpServerRequest request) {
        return badJson(e, request);
    }

    @ServerExceptionMapper
    public Response stale(StaleStateException e, HttpServerRequest request) {
        return respond(409, "Conflict", "the resource was changed by another request; read it again and retry", request, List.of());
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, HttpServerRequest request) {
        if (e.getCause() instanceof ApiProblem p) {
            return apiProblem(p, request); // a parameter that does not convert (NumericParameters), wrapped by JAX-RS
        }
        if (e.getCause() instanceof DomainFailure f) {
            return domainFailure(f, request);
        }
        if (e.getCause() instanceof JsonProcessingException j) {
            return badJson(j, request); // a body the JSON reader refused, wrapped by it
        }
        int status = e.getResponse().getStatus();
        String title = e.getResponse().getStatusInfo().getReasonPhrase();
        return respond(status, title, e.getMessage(), request, List.of());
    }

    @ServerExceptionMapper(priority = 10_000)
    public Response unexpected(Throwable e, HttpServerRequest request) {
        Throwable cause = unwrap(e);
        if (cause != e) {
            if (cause instanceof ApiProblem p) {
                return apiProblem(p, request);
            }
            if (cause instanceof DomainFailure f) {
                return domainFailure(f, request);
            }
            if (cause instanceof StaleStateException s) {
                return stale(s, request);
            }
        }
        if (DatabaseUnavailable.is(e)) {
            // nothing was stored (the transaction never committed): the client sends the same request again
            LOG.warnf("database unavailable on %s: %s", request == null ? "a request" : request.method() + " " + request.path(), cause.getMessage());
            return Response.fromResponse(respond(503, "Database unavailable",
                            "the database cannot be reached right now; nothing was stored; retry in " + DatabaseUnavailable.RETRY_AFTER_SECONDS + " s",
                            request, List.of()))
                    .header("Retry-After", Integer.toString(DatabaseUnavailable.RETRY_AFTER_SECONDS)).build();
        }
        LOG.errorf(e, "unexpected failure on %s %s", request.method(), request.path());
        return respond(500, "Internal error", "an unexpected error occurred; it has been logged", request, List.of());
    }

    private static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t && !(t instanceof ApiProblem) && !(t instanceof DomainFailure)) {
            t = t.getCause();
        }
        return t;
    }

    /**
     * Writes a problem+json answer straight onto a Vert.x request, for answers given before any resource
     * runs (authentication); {@code headerAndValue} are extra header name/value pairs.
     */
    static void write(io.vertx.ext.web.RoutingContext context, int status, String title, String detail, List<FieldError> errors,
                      String... headerAndValue) {
        ProblemBody body = new ProblemBody("about:blank", title, status, detail, context.request().path(), errors);
        io.vertx.core.http.HttpServerResponse response = context.response();
        if (response.ended()) {
            return;
        }
        response.setStatusCode(status).putHeader("Content-Type", ProblemBody.MEDIA_TYPE);
        for (int i = 0; i + 1 < headerAndValue.length; i += 2) {
            response.putHeader(headerAndValue[i], headerAndValue[i + 1]);
        }
        response.end(dev.triggerfish.support.JsonText.write(body));
    }

    static Response respond(int status, String title, String detail, HttpServerRequest request, List<FieldError> errors) {
        ProblemBody body = new ProblemBody("about:blank", title, status, detail, request == null ? null : request.path(), errors);
        return Response.status(status).type(ProblemBody.MEDIA_TYPE).entity(body).build();
    }
}
