package dev.triggerfish.trigger;

import dev.triggerfish.api.RequiresScope;
import dev.triggerfish.api.Scope;
import io.quarkus.security.identity.SecurityIdentity;
import dev.triggerfish.api.ApiProblem;
import dev.triggerfish.api.Etags;
import dev.triggerfish.api.Paging;
import dev.triggerfish.support.EntityType;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import java.util.Map;

/** {@code /api/event-triggers}: trigger definitions in the spec's JSON. */
@Path("/api/event-triggers")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class TriggerResource {
    private final TriggerService service;
    private final TriggerExplainer explainer;
    private final TriggerCatalog catalog;
    private final TemplateWarnings warnings;

    private final SecurityIdentity caller;

    public TriggerResource(TriggerService service, TriggerExplainer explainer, TriggerCatalog catalog, TemplateWarnings warnings,
                           SecurityIdentity caller) {
        this.service = service;
        this.explainer = explainer;
        this.catalog = catalog;
        this.warnings = warnings;
        this.caller = caller;
    }

    /** Who makes this change: the name of the API key, recorded in the audit trail. */
    private String actor() {
        return caller.getPrincipal().getName();
    }

    @POST
    public Uni<Response> create(Map<String, Object> body, @Context UriInfo uri) {
        return service.create(ApiProblem.requireObject(body), actor())
                .call(catalog::reload)
                .flatMap(trigger -> warnings.answer(trigger)
                        .map(json -> Response.created(uri.getAbsolutePathBuilder().path(String.valueOf(trigger.id)).build())
                                .tag(Etags.of(trigger.version)).entity(json).build()));
    }

    @GET
    public Uni<Map<String, Object>> list(@QueryParam("trigger_type") String triggerType, @QueryParam("model_type") String modelType,
                                         @QueryParam("is_active") String isActive, @QueryParam("page") Integer page,
                                         @QueryParam("per_page") Integer perPage) {
        TriggerFilter filter = new TriggerFilter(triggerType(triggerType), modelKey(modelType), bool("is_active", isActive));
        return service.list(filter, Paging.of(page, perPage))
                .map(p -> Paging.body(p.triggers().stream().map(EventTrigger::toJson).toList(), p.paging().page(),
                        p.paging().perPage(), p.total()));
    }

    @GET
    @Path("{id}")
    public Uni<Response> get(@PathParam("id") long id) {
        return service.get(id).map(TriggerResource::ok);
    }

    @PUT
    @Path("{id}")
    public Uni<Response> replace(@PathParam("id") long id, Map<String, Object> body, @HeaderParam("If-Match") String ifMatch) {
        return service.replace(id, ApiProblem.requireObject(body), Etags.expectedVersion(ifMatch), actor()).call(catalog::reload).flatMap(this::saved);
    }

    @PATCH
    @Path("{id}")
    @Consumes({MediaType.APPLICATION_JSON, "application/merge-patch+json"})
    public Uni<Response> patch(@PathParam("id") long id, Map<String, Object> body, @HeaderParam("If-Match") String ifMatch) {
        return service.patch(id, ApiProblem.requireObject(body), Etags.expectedVersion(ifMatch), actor()).call(catalog::reload).flatMap(this::saved);
    }

    @DELETE
    @Path("{id}")
    public Uni<Response> delete(@PathParam("id") long id, @HeaderParam("If-Match") String ifMatch) {
        return service.delete(id, Etags.expectedVersion(ifMatch), actor()).call(catalog::reload).map(ignored -> Response.noContent().build());
    }

    @POST
    @Path("{id}/activate")
    public Uni<Response> activate(@PathParam("id") long id) {
        return service.setActive(id, true, actor()).call(catalog::reload).map(TriggerResource::ok);
    }

    @POST
    @Path("{id}/deactivate")
    public Uni<Response> deactivate(@PathParam("id") long id) {
        return service.setActive(id, false, actor()).call(catalog::reload).map(TriggerResource::ok);
    }

    /**
     * Why the trigger would or would not fire for a record: every condition with the value it saw.
     * Body: {@code record} (and {@code previous} for updates), or {@code entity_type} + {@code entity_id}
     * of a stored record; {@code event} is created, updated or deleted.
     */
    @POST
    @Path("{id}/explain")
    @RequiresScope(Scope.READ)
    public Uni<Map<String, Object>> explain(@PathParam("id") long id, Map<String, Object> body) {
        return service.get(id).flatMap(trigger -> explainer.explain(trigger, ApiProblem.requireObject(body)));
    }

    /** The answer to a change: the trigger, with warnings about what it names that does not exist yet. */
    private Uni<Response> saved(EventTrigger trigger) {
        return warnings.answer(trigger).map(json -> Response.ok(json).tag(Etags.of(trigger.version)).build());
    }

    private static Response ok(EventTrigger trigger) {
        return Response.ok(trigger.toJson()).tag(Etags.of(trigger.version)).build();
    }


    private static String triggerType(String raw) {
        if (raw == null) {
            return null;
        }
        if (TriggerType.fromWireName(raw) == null) {
            throw ApiProblem.badRequest("trigger_type", "unknown trigger type '" + raw + "' (one of: " + TriggerType.allWireNames() + ")");
        }
        return raw;
    }

    private static String modelKey(String raw) {
        if (raw == null) {
            return null;
        }
        if (!EntityType.isValid(raw)) {
            throw ApiProblem.badRequest("model_type", "must be a model name such as 'App\\Models\\Contact' or 'Contact'");
        }
        return EntityType.canonical(raw);
    }

    private static Boolean bool(String name, String raw) {
        if (raw == null) {
            return null;
        }
        return switch (raw) {
            case "true", "1" -> Boolean.TRUE;
            case "false", "0" -> Boolean.FALSE;
            default -> throw ApiProblem.badRequest(name, "must be true or false");
        };
    }
}
