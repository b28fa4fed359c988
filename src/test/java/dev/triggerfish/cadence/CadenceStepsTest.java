package dev.triggerfish.cadence;

import dev.triggerfish.condition.RelationResolver;
import dev.triggerfish.workflow.Definition;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a due enrolment does (pure), and the enrolment's state machine. */
class CadenceStepsTest {
    private static final Map<String, Object> EMAIL = Map.of("type", "send_email", "template_id", 1);
    private static final Map<String, Object> SMS = Map.of("type", "send_sms", "message", "hi");

    private static Cadence cadence(Object exitConditions) {
        return Cadence.of(new Definition(2, "Nurture", null, Map.of(
                "steps", List.of(Map.of("action", EMAIL, "delay_hours", 0), Map.of("action", SMS, "delay_hours", 48)),
                "exit_conditions", exitConditions, "allow_retries", true, "max_retries", 2, "retry_configuration", Map.of()), 0, null, null));
    }

    @Test
    void aStepRunsAndTheNextIsDueAfterItsOwnDelay() {
        Cadence.Due due = cadence(List.of()).due(1, Map.of("id", "c-1"), RelationResolver.NONE, 0, "contact/c-1");
        assertEquals(EMAIL, due.run().action());
        assertEquals(EnrolmentStatus.ACTIVE, due.status());
        assertEquals(2, due.nextStep());
        assertEquals(48.0, due.nextDelayHours());
    }

    @Test
    void theLastStepCompletesTheEnrolment() {
        Cadence.Due due = cadence(List.of()).due(2, Map.of("id", "c-1"), RelationResolver.NONE, 0, "contact/c-1");
        assertEquals(SMS, due.run().action());
        assertEquals(EnrolmentStatus.COMPLETED, due.status());
        assertNull(due.nextStep());
    }

    @Test
    void theExitConditionsAreCheckedBeforeTheStep() {
        Cadence cadence = cadence(List.of(Map.of("field", "replied", "operator", "equals", "value", true)));
        Cadence.Due replied = cadence.due(2, Map.of("id", "c-1", "replied", true), RelationResolver.NONE, 0, "contact/c-1");
        assertNull(replied.run());
        assertEquals(EnrolmentStatus.EXITED, replied.status());
        assertEquals(SMS, cadence.due(2, Map.of("id", "c-1", "replied", false), RelationResolver.NONE, 0, "contact/c-1").run().action());
    }

    @Test
    void aDeletedRecordEndsTheEnrolment() {
        Cadence.Due due = cadence(List.of()).due(1, null, RelationResolver.NONE, 0, "contact/c-1");
        assertNull(due.run());
        assertEquals(EnrolmentStatus.CANCELLED, due.status());
        assertTrue(due.reason().contains("contact/c-1 was deleted"));
    }

    @Test
    void aStepIsOneActionWithTheCadencesRetrySettings() {
        var flow = cadence(List.of()).flow(2);
        assertEquals(List.of(SMS), flow.actions());
        assertEquals(2, flow.maxRetries());
        assertEquals("cadence 2 step 2 (Nurture)", flow.name());
    }

    @Test
    void onlyAnActiveEnrolmentMovesOrEnds() {
        for (EnrolmentStatus to : EnrolmentStatus.values()) {
            assertTrue(EnrolmentStatus.ACTIVE.canBecome(to));
        }
        for (EnrolmentStatus ended : EnumSet.complementOf(EnumSet.of(EnrolmentStatus.ACTIVE))) {
            for (EnrolmentStatus to : EnrolmentStatus.values()) {
                assertFalse(ended.canBecome(to), ended + " -> " + to);
                assertThrows(IllegalStateException.class, () -> ended.checkTransition(to));
            }
        }
        assertEquals(EnrolmentStatus.EXITED, EnrolmentStatus.fromWireName("exited"));
    }
}
