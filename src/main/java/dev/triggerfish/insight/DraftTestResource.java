package dev.triggerfish.insight;

import dev.triggerfish.action.ActionRegistry;
import dev.triggerfish.api.ApiProblem;
import dev.triggerfish.trigger.TriggerDrafts;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.Map;

/**
 * {@code POST /api/event-triggers/test}: a draft trigger ({@code trigger}, as it would be created)
 * against a sample or stored record, with no side effect. It needs {@code write}, as writing the
 * trigger would: a draft's webhook templates see the secrets (redacted in the answer all the same).
 */
@Path("/api/event-triggers/test")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class DraftTestResource {
    private final ActionRegistry actions;
    private final TriggerTester tester;

    public DraftTestResource(ActionRegistry actions, TriggerTester tester) {
        this.actions = actions;
        this.tester = tester;
    }

    @POST
    public Uni<Map<String, Object>> test(Map<String, Object> body) {
        if (body == null) {
            throw ApiProblem.badRequest("$", "a JSON object is required: trigger, and record (and previous) or entity_type and entity_id");
        }
        return Uni.createFrom().item(() -> TriggerDrafts.draft(body.get("trigger"), "trigger", actions))
                .flatMap(trigger -> tester.test(trigger, body, true));
    }
}
