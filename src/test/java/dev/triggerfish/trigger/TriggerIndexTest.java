package dev.triggerfish.trigger;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.triggerfish.condition.CompiledCondition;
import dev.triggerfish.condition.RelationResolver;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Matching events against an index of triggers, without Quarkus. */
class TriggerIndexTest {
    static final ObjectMapper MAPPER = new ObjectMapper();

    static CompiledTrigger trigger(long id, TriggerType type, String model, String conditions) {
        return new CompiledTrigger(id, 1, type, model, CompiledCondition.compile(list(conditions), "trigger_conditions"));
    }

    static List<?> list(String json) {
        try {
            return MAPPER.readValue(json.replace('\'', '"'), List.class);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> rec(String json) {
        try {
            return MAPPER.readValue(json.replace('\'', '"'), Map.class);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    static List<Long> ids(List<CompiledTrigger> triggers) {
        return triggers.stream().map(CompiledTrigger::id).toList();
    }

    final TriggerIndex index = new TriggerIndex(List.of(
            trigger(1, TriggerType.MODEL_CREATED, "contact", "[{'field': 'source', 'operator': 'equals', 'value': 'website_form'}]"),
            trigger(2, TriggerType.FIELD_CHANGED, "deal", "[{'field': 'stage', 'operator': 'changed_to', 'value': 'negotiation'},"
                    + " {'field': 'value', 'operator': 'greater_than', 'value': 50000}]"),
            trigger(3, TriggerType.MODEL_UPDATED, "contact", "[{'field': 'tags', 'operator': 'contains', 'value': 'highly-engaged'}]"),
            trigger(4, TriggerType.MODEL_DELETED, "contact", "[{'field': 'status', 'operator': 'in', 'value': ['customer', 'lead']}]"),
            trigger(5, TriggerType.MODEL_UPDATED, "contact", "[]"),
            trigger(6, TriggerType.TIME_BASED, "deal", "[]"),
            trigger(7, TriggerType.WEBHOOK, null, "[{'field': 'score', 'operator': 'greater_than', 'value': 80}]"),
            trigger(8, TriggerType.MANUAL, "contact", "[]")));

    List<Long> match(String kind, String type, String record, String previous) {
        return ids(index.match(kind, type, record == null ? null : rec(record), previous == null ? null : rec(previous),
                RelationResolver.NONE, System.currentTimeMillis()));
    }

    @Test
    void createdEventsFireModelCreatedTriggersOfTheirModel() {
        assertEquals(List.of(1L), match("created", "contact", "{'source': 'website_form'}", null));
        assertEquals(List.of(), match("created", "contact", "{'source': 'import'}", null));
        assertEquals(List.of(), match("created", "deal", "{'source': 'website_form'}", null));
    }

    @Test
    void updatedEventsFireModelUpdatedEveryTimeAndFieldChangedOnTheEdge() {
        assertEquals(List.of(2L), match("updated", "deal", "{'stage': 'negotiation', 'value': 60000}", "{'stage': 'proposal', 'value': 60000}"));
        assertEquals(List.of(), match("updated", "deal", "{'stage': 'negotiation', 'value': 70000}", "{'stage': 'negotiation', 'value': 60000}"));
        assertEquals(List.of(3L, 5L), match("updated", "contact", "{'tags': ['highly-engaged']}", "{'tags': ['highly-engaged']}"));
        assertEquals(List.of(5L), match("updated", "contact", "{'tags': []}", "{'tags': []}"));
    }

    @Test
    void deletedEventsAreEvaluatedOnTheDeletedState() {
        assertEquals(List.of(4L), match("deleted", "contact", null, "{'status': 'lead'}"));
        assertEquals(List.of(), match("deleted", "contact", null, "{'status': 'churned'}"));
    }

    @Test
    void otherEventKindsFireWebhookTriggersOfAnyModel() {
        assertEquals(List.of(7L), match("lead.scored", "contact", "{'score': 90}", null));
        assertEquals(List.of(), match("lead.scored", "contact", "{'score': 10}", null));
    }

    @Test
    void theIndexSkipsTriggersWhoseEqualityTheRecordCannotMeet() {
        List<CompiledTrigger> many = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            many.add(trigger(i, TriggerType.MODEL_CREATED, "contact", "[{'field': 'source', 'operator': 'equals', 'value': 's" + i + "'}]"));
        }
        TriggerIndex big = new TriggerIndex(many);
        assertEquals(1, big.candidates(TriggerType.MODEL_CREATED, "contact", rec("{'source': 's7'}")).size());
        assertTrue(big.candidates(TriggerType.MODEL_CREATED, "contact", rec("{'source': 'none'}")).isEmpty());
        assertEquals(List.of(7L), ids(big.match("created", "contact", rec("{'source': 's7'}"), null, RelationResolver.NONE, 0)));
    }

    @Test
    void aWebhookSourceRestrictsAWebhookTriggerToThatSourcesDeliveries() {
        CompiledCondition scored = CompiledCondition.compile(list("[{'field': 'score', 'operator': 'greater_than', 'value': 80}]"),
                "trigger_conditions");
        TriggerIndex sources = new TriggerIndex(List.of(new CompiledTrigger(1, 1, TriggerType.WEBHOOK, null, scored),
                new CompiledTrigger(2, 1, TriggerType.WEBHOOK, null, scored, "marketing")));
        Map<String, Object> lead = rec("{'score': 90}");
        assertEquals(List.of(1L, 2L), ids(sources.match("webhook", "contact", lead, null, RelationResolver.NONE, 0, "marketing")));
        assertEquals(List.of(1L), ids(sources.match("webhook", "contact", lead, null, RelationResolver.NONE, 0, "billing")));
        // a custom event posted to /api/events is no delivery of any source
        assertEquals(List.of(1L), ids(sources.match("lead.scored", "contact", lead, null, RelationResolver.NONE, 0)));
    }
}
