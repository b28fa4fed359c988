package dev.triggerfish.dashboard;

import dev.triggerfish.api.Paging;
import dev.triggerfish.execution.ExecutionStore;
import dev.triggerfish.insight.AnalyticsStore;
import dev.triggerfish.trigger.EventTrigger;
import dev.triggerfish.trigger.TriggerFilter;
import dev.triggerfish.trigger.TriggerPage;
import dev.triggerfish.trigger.TriggerService;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A page of triggers, each with its success rate (the analytics rollup, all time) and its last run
 * (its newest execution): the queries the API answers {@code /api/event-triggers},
 * {@code /api/analytics/success-rates} and {@code /api/event-triggers/{id}/executions} with.
 */
@ApplicationScoped
public class TriggerHealth {
    private final TriggerService triggers;
    private final AnalyticsStore analytics;
    private final ExecutionStore executions;

    public TriggerHealth(TriggerService triggers, AnalyticsStore analytics, ExecutionStore executions) {
        this.triggers = triggers;
        this.analytics = analytics;
        this.executions = executions;
    }

    /** The rows of one page, and the page's total under {@code "total"}. */
    public Uni<Map<String, Object>> page(Paging paging) {
        return triggers.list(new TriggerFilter(null, null, null), paging)
                .flatMap(page -> analytics.successRates(null)
                        .flatMap(rates -> withLastRuns(page, byTrigger(rates))));
    }

    private Uni<Map<String, Object>> withLastRuns(TriggerPage page, Map<Long, Map<String, Object>> rates) {
        if (page.triggers().isEmpty()) {
            return Uni.createFrom().item(answer(List.of(), page));
        }
        List<Uni<Map<String, Object>>> rows = new ArrayList<>();
        for (EventTrigger trigger : page.triggers()) {
            rows.add(executions.history(trigger.id, null, 1)
                    .map(last -> row(trigger, rates.get(trigger.id), last.isEmpty() ? null : last.get(0))));
        }
        return Uni.join().all(rows).andFailFast().map(list -> answer(list, page));
    }

    private static Map<String, Object> row(EventTrigger trigger, Map<String, Object> rate, Map<String, Object> last) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", trigger.id);
        row.put("name", trigger.name);
        row.put("trigger_type", trigger.triggerType);
        row.put("model_type", trigger.modelType);
        row.put("active", trigger.isActive);
        row.put("executions", rate == null ? 0L : rate.get("executions"));
        row.put("failed", rate == null ? 0L : rate.get("failed"));
        row.put("success_rate", rate == null ? "—" : rate.get("success_rate") + "%"); // as text: 0.0 is no "false" to the page
        row.put("last_run", last);
        return row;
    }

    private static Map<String, Object> answer(List<Map<String, Object>> rows, TriggerPage page) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("rows", rows);
        answer.put("total", page.total());
        answer.put("page", page.paging().page());
        long pages = Math.max(1, (page.total() + page.paging().perPage() - 1) / page.paging().perPage());
        answer.put("pages", pages);
        answer.put("previous", page.paging().page() > 1 ? page.paging().page() - 1 : null);
        answer.put("next", page.paging().page() < pages ? page.paging().page() + 1 : null);
        return answer;
    }

    private static Map<Long, Map<String, Object>> byTrigger(List<Map<String, Object>> rates) {
        Map<Long, Map<String, Object>> out = new HashMap<>();
        rates.forEach(r -> out.put((Long) r.get("trigger_id"), r));
        return out;
    }
}
