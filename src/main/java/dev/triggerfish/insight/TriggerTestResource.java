package dev.triggerfish.insight;

import dev.triggerfish.api.ApiProblem;
import dev.triggerfish.api.RequiresScope;
import dev.triggerfish.api.Scope;
import dev.triggerfish.trigger.TriggerService;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.Map;

/**
 * {@code POST /api/event-triggers/{id}/test}: a stored trigger against a sample or stored record,
 * with no side effect. Read-only, so a {@code read} key may (as for explain): the trigger's author
 * already held {@code write}.
 */
@Path("/api/event-triggers/{id}/test")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class TriggerTestResource {
    private final TriggerService triggers;
    private final TriggerTester tester;

    public TriggerTestResource(TriggerService triggers, TriggerTester tester) {
        this.triggers = triggers;
        this.tester = tester;
    }

    @POST
    @RequiresScope(Scope.READ)
    public Uni<Map<String, Object>> test(@PathParam("id") long id, Map<String, Object> body) {
        if (body == null) {
            throw ApiProblem.badRequest("$", "a JSON object is required: record (and previous), or entity_type and entity_id");
        }
        return triggers.get(id).flatMap(trigger -> tester.test(trigger, body, false));
    }
}
