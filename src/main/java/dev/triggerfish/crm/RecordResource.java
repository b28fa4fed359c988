package dev.triggerfish.crm;

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
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.core.Context;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/records/{type}}: the CRM records of any type, as flat JSON. {@code type} is
 * canonicalised ({@code contacts}, {@code Contact} and {@code App\Models\Contact} are one type).
 */
@Path("/api/records/{type}")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class RecordResource {
    private final RecordStore store;

    public RecordResource(RecordStore store) {
        this.store = store;
    }

    @POST
    public Uni<Response> create(@PathParam("type") String type, Map<String, Object> body, @Context UriInfo uri) {
        String canonical = type(type);
        RecordInput input = RecordInput.from(ApiProblem.requireObject(body));
        return store.create(canonical, input)
                .map(change -> Response.created(uri.getAbsolutePathBuilder().path(change.after().id()).build())
                        .tag(Etags.of(change.after().version()))
                        .entity(change.after().toJson())
                        .build());
    }

    @GET
    public Uni<Map<String, Object>> list(@PathParam("type") String type, @QueryParam("page") Integer page,
                                         @QueryParam("per_page") Integer perPage) {
        Paging paging = Paging.of(page, perPage);
        return store.list(type(type), paging.page(), paging.perPage())
                .map(p -> Paging.body(p.records().stream().map(CrmRecord::toJson).toList(), p.page(), p.perPage(), p.total()));
    }

    @GET
    @Path("{id}")
    public Uni<Response> get(@PathParam("type") String type, @PathParam("id") String id) {
        return store.get(type(type), id).map(RecordResource::ok);
    }

    /** Replaces the record's fields with the body (fields not in the body are removed). */
    @PUT
    @Path("{id}")
    public Uni<Response> replace(@PathParam("type") String type, @PathParam("id") String id, Map<String, Object> body,
                                 @HeaderParam("If-Match") String ifMatch) {
        RecordInput input = RecordInput.from(ApiProblem.requireObject(body));
        return store.update(type(type), id, Etags.expectedVersion(ifMatch),
                        current -> new RecordInput(id, input.attributes(), input.tags(), input.assignedTo()))
                .map(change -> ok(change.after()));
    }

    /** Merges the body into the record (RFC 7386: a null removes a field). */
    @PATCH
    @Path("{id}")
    @Consumes({MediaType.APPLICATION_JSON, "application/merge-patch+json"})
    public Uni<Response> patch(@PathParam("type") String type, @PathParam("id") String id, Map<String, Object> body,
                               @HeaderParam("If-Match") String ifMatch) {
        Map<String, Object> patch = ApiProblem.requireObject(body);
        RecordInput.from(withoutNulls(patch));
        return store.update(type(type), id, Etags.expectedVersion(ifMatch), current -> merge(current, patch))
                .map(change -> ok(change.after()));
    }

    @DELETE
    @Path("{id}")
    public Uni<Response> delete(@PathParam("type") String type, @PathParam("id") String id, @HeaderParam("If-Match") String ifMatch) {
        return store.delete(type(type), id, Etags.expectedVersion(ifMatch))
                .map(change -> Response.noContent().build());
    }

    static RecordInput merge(RecordInput current, Map<String, Object> patch) {
        Map<String, Object> attributes = new LinkedHashMap<>(current.attributes());
        patch.forEach((key, value) -> {
            if (!CrmRecord.RESERVED.contains(key)) {
                if (value == null) {
                    attributes.remove(key);
                } else {
                    attributes.put(key, value);
                }
            }
        });
        RecordInput given = RecordInput.from(withoutNulls(patch));
        List<String> tags = patch.containsKey("tags") ? given.tags() : current.tags();
        String assignee = patch.containsKey("assigned_to") ? given.assignedTo() : current.assignedTo();
        return new RecordInput(current.id(), attributes, tags, assignee);
    }

    private static Map<String, Object> withoutNulls(Map<String, Object> patch) {
        Map<String, Object> copy = new LinkedHashMap<>();
        patch.forEach((k, v) -> {
            if (v != null && !k.equals("id")) {
                copy.put(k, v);
            }
        });
        return copy;
    }

    private static Response ok(CrmRecord record) {
        return Response.ok(record.toJson()).tag(Etags.of(record.version())).build();
    }

    static String type(String written) {
        if (!EntityType.isValid(written)) {
            throw ApiProblem.badRequest("type", "must be a record type such as 'contacts' or 'Contact'");
        }
        return EntityType.canonical(written);
    }
}
