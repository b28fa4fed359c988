package dev.triggerfish.audit;

import dev.triggerfish.api.ApiProblem;
import dev.triggerfish.api.Paging;
import dev.triggerfish.api.RequiresScope;
import dev.triggerfish.api.Scope;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * {@code GET /api/audit?entity_type=trigger&entity_id=3&actor=crm-sync&action=deleted&since=…&until=…&page=1&per_page=50}
 * (admin scope): the changes, newest first.
 */
@Path("/api/audit")
@Produces(MediaType.APPLICATION_JSON)
@RequiresScope(Scope.ADMIN)
public class AuditResource {
    private final AuditLog audit;

    public AuditResource(AuditLog audit) {
        this.audit = audit;
    }

    @GET
    public Uni<Map<String, Object>> list(@QueryParam("entity_type") String entityType, @QueryParam("entity_id") String entityId,
                                         @QueryParam("actor") String actor, @QueryParam("action") String action,
                                         @QueryParam("since") String since, @QueryParam("until") String until,
                                         @QueryParam("page") String page, @QueryParam("per_page") String perPage) {
        AuditFilter filter = new AuditFilter(entityType, entityId, actor, action, instant("since", since), instant("until", until));
        return audit.list(filter, Paging.of(whole("page", page), whole("per_page", perPage)));
    }

    private static OffsetDateTime instant(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value);
        } catch (DateTimeParseException e) {
            throw ApiProblem.badRequest(name, "must be an ISO-8601 date-time with offset, e.g. 2026-12-01T00:00:00Z");
        }
    }

    private static Integer whole(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Integer.valueOf(value.trim());
        } catch (NumberFormatException e) {
            throw ApiProblem.badRequest(name, "must be a whole number");
        }
    }
}
