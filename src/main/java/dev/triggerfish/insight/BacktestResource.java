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

/** {@code POST /api/event-triggers/backtest}: a draft ({@code trigger}) over the stored events of {@code from}..{@code to}. */
@Path("/api/event-triggers/backtest")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class BacktestResource {
    private final ActionRegistry actions;
    private final Backtest backtest;

    public BacktestResource(ActionRegistry actions, Backtest backtest) {
        this.actions = actions;
        this.backtest = backtest;
    }

    @POST
    public Uni<Map<String, Object>> backtest(Map<String, Object> body) {
        if (body == null) {
            throw ApiProblem.badRequest("$", "a JSON object is required: trigger, from, to");
        }
        return Uni.createFrom().item(() -> TriggerDrafts.draft(body.get("trigger"), "trigger", actions))
                .flatMap(draft -> backtest.run(draft, body));
    }
}
