package dev.triggerfish.execution;

import dev.triggerfish.condition.RelationResolver;
import dev.triggerfish.event.StoredEvent;
import dev.triggerfish.trigger.TriggerSnapshot;
import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What a step's templates see, built from the parts read (plain Java: no store, no relations). */
class TemplateScopeTest {
    private static final TriggerSnapshot TRIGGER = new TriggerSnapshot(7, 1, "deal won", true, false, true, 3, 0, Map.of(), null);

    private static StoredEvent event(String kind, Map<String, Object> previous, Map<String, Object> current) {
        return new StoredEvent(11, kind, "Deal", "d-1", previous, current, Map.of("by", "api"), "api", 0, null, OffsetDateTime.now());
    }

    private static ClaimedExecution execution(StoredEvent event) {
        return new ClaimedExecution(42, 7, 1, 11, "Deal", "d-1", 0, 2, event, true);
    }

    @Test
    void templatesSeeTheRecordTheEventTheTriggerAndTheExecution() {
        StoredEvent event = event("updated", Map.of("stage", "open"), Map.of("stage", "won"));
        Map<String, Object> scope = TemplateScope.scope(execution(event), TRIGGER, TemplateScope.eventState(event), RelationResolver.NONE);
        assertEquals("won", ((Map<?, ?>) scope.get("entity")).get("stage"));
        assertEquals("Deal.updated", scope.get("trigger_event"));
        assertEquals(Map.of("id", 7L, "name", "deal won"), scope.get("trigger"));
        assertEquals(Map.of("id", 42L, "attempt", 2), scope.get("execution"));
        assertEquals(Map.of("stage", "open"), ((Map<?, ?>) scope.get("event")).get("previous"));
        assertEquals(Map.of("by", "api"), scope.get("context"));
    }

    @Test
    void aDeletedRecordIsSeenAsItWasBeforeTheDeletion() {
        StoredEvent deleted = event("deleted", Map.of("stage", "lost"), null);
        assertEquals(Map.of("stage", "lost"), TemplateScope.eventState(deleted));
    }

    @Test
    void withoutItsEventAnExecutionSeesAnEmptyRecordAndAnUnknownEvent() {
        Map<String, Object> scope = TemplateScope.scope(execution(null), TRIGGER, TemplateScope.eventState(null), RelationResolver.NONE);
        assertEquals(Map.of(), Map.copyOf((Map<?, ?>) scope.get("entity")));
        assertEquals("Deal.unknown", scope.get("trigger_event"));
        assertEquals(false, scope.containsKey("event"));
    }

    @Test
    void theRelationsReachedAreTheOnesATemplateWalksThrough() {
        List<Map<String, Object>> actions = List.of(
                Map.of("type", "webhook", "url", "https://example.com/{{entity.company.name}}", "body", Map.of("owner", "{{entity.owner.email}}")),
                Map.of("type", "create_note", "content", "{{entity.name}} {{event.previous.stage}}"));
        assertEquals(Set.of("company", "owner"), TemplateScope.relationsReached(actions));
    }
}
