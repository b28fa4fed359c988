package dev.triggerfish.insight;

import dev.triggerfish.api.Ids;
import dev.triggerfish.crm.CrmRecord;
import dev.triggerfish.crm.RecordStore;
import dev.triggerfish.event.StoredEvent;
import dev.triggerfish.execution.ActionPreview;
import dev.triggerfish.trigger.CompiledTrigger;
import dev.triggerfish.trigger.EventTrigger;
import dev.triggerfish.trigger.TriggerExplainer;
import dev.triggerfish.trigger.TriggerSnapshot;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Tests a trigger (stored or draft) against a sample or stored record: the condition trace, as
 * {@link TriggerExplainer} gives it, and every action rendered as it would be sent
 * ({@link ActionPreview}). Nothing is stored and nothing is sent: the only statements are reads.
 */
@ApplicationScoped
public class TriggerTester {
    private final TriggerExplainer explainer;
    private final ActionPreview preview;
    private final RecordStore records;

    public TriggerTester(TriggerExplainer explainer, ActionPreview preview, RecordStore records) {
        this.explainer = explainer;
        this.preview = preview;
        this.records = records;
    }

    public Uni<Map<String, Object>> test(EventTrigger trigger, Map<String, Object> body, boolean draft) {
        return explainer.explain(trigger, body)
                .flatMap(explained -> sample(body, explained)
                        .flatMap(event -> preview.render(TriggerSnapshot.of(trigger), event))
                        .map(actions -> {
                            Map<String, Object> answer = new LinkedHashMap<>(explained);
                            if (draft) {
                                answer.put("trigger_id", null);
                            }
                            answer.put("actions", actions);
                            answer.put("side_effects", "none: nothing was stored and nothing was sent");
                            return answer;
                        }));
    }

    /** The event the test stands for, never stored (id 0): the record given, or the stored one named. */
    @SuppressWarnings("unchecked")
    private Uni<StoredEvent> sample(Map<String, Object> body, Map<String, Object> explained) {
        String kind = (String) explained.get("event");
        String type = (String) explained.get("entity_type");
        String id = body.get("entity_id") == null ? null : Ids.text(body.get("entity_id"));
        Map<String, Object> previous = (Map<String, Object>) body.get("previous");
        Map<String, Object> context = body.get("context") instanceof Map<?, ?> c ? (Map<String, Object>) c : null;
        Uni<Map<String, Object>> record = body.get("record") instanceof Map<?, ?> given
                ? Uni.createFrom().item((Map<String, Object>) given)
                : type == null || id == null ? Uni.createFrom().nullItem() : records.get(type, id).map(CrmRecord::toJson);
        return record.map(state -> new StoredEvent(0, kind, type, id != null ? id : state == null ? null : text(state.get("id")),
                CompiledTrigger.DELETED.equals(kind) && previous == null ? state : previous,
                CompiledTrigger.DELETED.equals(kind) ? null : state, context, "test", 0, null, OffsetDateTime.now()));
    }

    private static String text(Object id) {
        return id == null ? null : id.toString();
    }
}
