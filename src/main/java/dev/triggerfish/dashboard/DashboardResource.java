package dev.triggerfish.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.triggerfish.api.ApiProblem;
import dev.triggerfish.api.NumericParameters;
import dev.triggerfish.api.Paging;
import dev.triggerfish.execution.ExecutionStatus;
import dev.triggerfish.execution.ExecutionStore;
import dev.triggerfish.insight.AnalyticsStore;
import dev.triggerfish.insight.EventExplainer;
import dev.triggerfish.support.NotFound;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.List;
import java.util.Map;

/**
 * The dashboard's pages, rendered on the server from the stores the API reads: the overview (triggers
 * with success rate and last run, executions per day, recent failures), one execution with its steps,
 * and the explain view of an event. Parameters are read as text and checked as the API checks them, so
 * that a bad one is a page saying so.
 */
@Path("/ui")
@Produces(MediaType.TEXT_HTML)
public class DashboardResource {
    static final int TRIGGERS_PER_PAGE = 100;
    static final int CHART_DAYS = 30;
    static final int FAILURE_DAYS = 7;
    static final int FAILURES_SHOWN = 25;

    private final Pages pages;
    private final TriggerHealth health;
    private final AnalyticsStore analytics;
    private final ExecutionStore executions;
    private final EventExplainer explainer;
    private final ObjectMapper json;
    private final Template overview;
    private final Template execution;
    private final Template explain;

    public DashboardResource(Pages pages, TriggerHealth health, AnalyticsStore analytics, ExecutionStore executions, EventExplainer explainer,
                             ObjectMapper json, @Location("dashboard/overview.html") Template overview,
                             @Location("dashboard/execution.html") Template execution, @Location("dashboard/explain.html") Template explain) {
        this.pages = pages;
        this.health = health;
        this.analytics = analytics;
        this.executions = executions;
        this.explainer = explainer;
        this.json = json;
        this.overview = overview;
        this.execution = execution;
        this.explain = explain;
    }

    @GET
    public Uni<Response> overview(@QueryParam("page") String page) {
        return Uni.createFrom().item(() -> Paging.of(page == null ? null : pageNumber(page), TRIGGERS_PER_PAGE))
                .flatMap(paging -> Uni.combine().all().unis(health.page(paging),
                                analytics.perDay(CHART_DAYS),
                                analytics.recent(FAILURE_DAYS, FAILURES_SHOWN, null, ExecutionStatus.FAILED.wireName()),
                                analytics.rolledUpTo())
                        .asTuple())
                .flatMap(all -> pages.render(200, overview
                        .data("triggers", all.getItem1())
                        .data("chartData", chartData(all.getItem2()))
                        .data("chartDays", CHART_DAYS)
                        .data("failures", all.getItem3())
                        .data("failureDays", FAILURE_DAYS)
                        .data("rolledUpTo", all.getItem4())))
                .onFailure().recoverWithUni(pages::failure);
    }

    @GET
    @Path("executions/{id}")
    public Uni<Response> execution(@PathParam("id") String id) {
        return Uni.createFrom().item(() -> NumericParameters.wholeNumber("id", id, true))
                .flatMap(n -> executions.get(n).onItem().ifNull().failWith(() -> new NotFound("execution", n)))
                .flatMap(found -> pages.render(200, execution.data("execution", found)))
                .onFailure().recoverWithUni(pages::failure);
    }

    @GET
    @Path("explain")
    public Uni<Response> explain(@QueryParam("event_id") String eventId) {
        if (eventId == null || eventId.isBlank()) {
            return pages.render(200, explain.data("eventId", "").data("explained", null).data("problem", null));
        }
        return Uni.createFrom().item(() -> NumericParameters.wholeNumber("event_id", eventId, false))
                .flatMap(n -> explainer.explain(n, null))
                .flatMap(explained -> pages.render(200, explain.data("eventId", eventId).data("explained", explained).data("problem", null)))
                .onFailure().recoverWithUni(failure -> {
                    Map<String, Object> problem = Pages.describe(failure);
                    return pages.render((Integer) problem.get("status"), explain.data("eventId", eventId).data("explained", null)
                            .data("problem", problem));
                });
    }

    private static int pageNumber(String raw) {
        long n = NumericParameters.wholeNumber("page", raw, false);
        if (n < 1 || n > Integer.MAX_VALUE) {
            throw ApiProblem.badRequest("page", "must be from 1 to " + Integer.MAX_VALUE);
        }
        return (int) n;
    }

    /** The rows of executions-per-day as the chart's script reads them, safe inside a script element. */
    private String chartData(List<Map<String, Object>> perDay) {
        try {
            return json.writeValueAsString(perDay).replace("<", "\\u003c");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("executions per day are plain values", e);
        }
    }
}
