package dev.triggerfish.insight;

import dev.triggerfish.api.ApiProblem;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code /api/analytics/*}: the spec's monitoring queries as routes ({@link AnalyticsStore}). */
@Path("/api/analytics")
@Produces(MediaType.APPLICATION_JSON)
public class AnalyticsResource {
    private static final int MAX_DAYS = 3650;
    private final AnalyticsStore store;

    public AnalyticsResource(AnalyticsStore store) {
        this.store = store;
    }

    @GET
    @Path("recent-executions")
    public Uni<Map<String, Object>> recent(@QueryParam("days") Integer days, @QueryParam("limit") Integer limit,
                                           @QueryParam("before_id") Long beforeId) {
        int n = bounded("limit", limit, 50, 1, 500);
        return store.recent(bounded("days", days, 7, 1, MAX_DAYS), n, beforeId)
                .map(rows -> {
                    Map<String, Object> answer = new LinkedHashMap<>();
                    answer.put("data", rows);
                    answer.put("next_before_id", rows.size() == n ? rows.get(rows.size() - 1).get("id") : null);
                    return answer;
                });
    }

    @GET
    @Path("success-rates")
    public Uni<Map<String, Object>> successRates(@QueryParam("days") Integer days) {
        return rolledUp(store.successRates(window(days)));
    }

    @GET
    @Path("slow-triggers")
    public Uni<Map<String, Object>> slow(@QueryParam("days") Integer days, @QueryParam("threshold_seconds") String threshold) {
        return rolledUp(store.slow(window(days), fraction("threshold_seconds", threshold, 30, Double.MAX_VALUE)));
    }

    @GET
    @Path("error-prone-triggers")
    public Uni<Map<String, Object>> errorProne(@QueryParam("days") Integer days, @QueryParam("min_executions") Integer minExecutions,
                                               @QueryParam("min_failure_rate") String minFailureRate) {
        return rolledUp(store.errorProne(window(days), bounded("min_executions", minExecutions, 10, 0, Integer.MAX_VALUE),
                fraction("min_failure_rate", minFailureRate, 0.1, 1)));
    }

    @GET
    @Path("executions-per-day")
    public Uni<Map<String, Object>> perDay(@QueryParam("days") Integer days) {
        return rolledUp(store.perDay(bounded("days", days, 30, 1, MAX_DAYS)));
    }

    /** Answers from the rollup say how far it has read (endings of the last triggerfish.analytics.rollup-lag are not in yet). */
    private Uni<Map<String, Object>> rolledUp(Uni<List<Map<String, Object>>> rows) {
        return Uni.combine().all().unis(rows, store.rolledUpTo()).with((data, at) -> {
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("data", data);
            answer.put("rolled_up_to", at);
            return answer;
        });
    }

    private static Integer window(Integer days) {
        return days == null ? null : bounded("days", days, 0, 1, MAX_DAYS);
    }

    private static int bounded(String name, Integer value, int absent, int min, int max) {
        if (value == null) {
            return absent;
        }
        if (value < min || value > max) {
            throw ApiProblem.badRequest(name, "must be from " + min + " to " + max + " (was " + value + ")");
        }
        return value;
    }

    private static double fraction(String name, String raw, double absent, double max) {
        if (raw == null) {
            return absent;
        }
        try {
            double value = Double.parseDouble(raw);
            if (!(value >= 0 && value <= max)) {
                throw ApiProblem.badRequest(name, "must be a number from 0 to " + (max == Double.MAX_VALUE ? "any" : max) + " (was " + raw + ")");
            }
            return value;
        } catch (NumberFormatException e) {
            throw ApiProblem.badRequest(name, "must be a number (was '" + raw + "')");
        }
    }
}
