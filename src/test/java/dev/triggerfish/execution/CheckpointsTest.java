package dev.triggerfish.execution;

import dev.triggerfish.action.ActionContext;
import dev.triggerfish.action.StepResult;
import dev.triggerfish.action.TransientFault;
import dev.triggerfish.action.WebhookAction;
import dev.triggerfish.execution.Checkpoints.Started;
import dev.triggerfish.template.Secrets;
import dev.triggerfish.template.TemplateRenderer;
import dev.triggerfish.trigger.TriggerSnapshot;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How a step's checkpoint ends its execution: the retry decision travels as a type, never as a key of the output. */
class CheckpointsTest {
    private static final Map<String, Object> DEFINITION = Map.of(
            "action_configuration", Map.of("actions", List.of(Map.of("type", "webhook", "url", "https://example.com/hook"))),
            "retry_configuration", Map.of("delay_minutes", 1, "backoff_multiplier", 2, "max_delay_hours", 24));

    private static ActionStep step(boolean allowRetries, int attempt) {
        TriggerSnapshot trigger = new TriggerSnapshot(7, 1, "hook", true, false, allowRetries, 2, 0, DEFINITION, null);
        ClaimedExecution execution = new ClaimedExecution(42, 7, 1, 11, "Deal", "d-1", 0, attempt, null, true);
        return new ActionStep(execution, trigger, 0, new WebhookAction());
    }

    private static StepRecord checkpoint(ActionStep step, StepResult result) {
        ActionContext context = step.context(Map.of(), new TemplateRenderer(new Secrets(Map.of())));
        return Checkpoints.of(step, context, result, Started.now());
    }

    @Test
    void aTransientFaultWithRetriesLeftIsRetriedAfterTheBackoff() {
        OffsetDateTime before = OffsetDateTime.now();
        StepRecord record = checkpoint(step(true, 1), StepResult.failed(new TransientFault(new ConnectException("refused")), "refused", Map.of()));
        assertEquals(ExecutionStatus.RETRYING, record.finalStatus());
        assertTrue(!record.nextAttemptAt().isBefore(before.plusMinutes(1)), record.nextAttemptAt().toString());
        assertEquals(true, record.result().output().get("retryable"), "the history shows it was worth a retry");
    }

    @Test
    void anOutputThatSaysRetryableDoesNotMakeAPermanentFailureRetry() {
        StepRecord record = checkpoint(step(true, 1), StepResult.failed("HTTP 400", Map.of("retryable", true, "retry_after", "1")));
        assertEquals(ExecutionStatus.FAILED, record.finalStatus());
        assertNull(record.nextAttemptAt());
        assertEquals(false, record.result().output().get("retryable"));
    }

    @Test
    void aTransientFaultEndsTheExecutionFailedWhenRetriesAreUsedUpOrNotAllowed() {
        StepResult fault = StepResult.failed(new TransientFault("the circuit is open"), "the circuit is open", Map.of());
        assertEquals(ExecutionStatus.FAILED, checkpoint(step(true, 3), fault).finalStatus(), "max_retries 2: the third attempt was the last");
        assertEquals(ExecutionStatus.FAILED, checkpoint(step(false, 1), fault).finalStatus(), "allow_retries false");
    }

    @Test
    void noDecisionForACompletedLastStepButTheEnd() {
        StepRecord record = checkpoint(step(true, 1), StepResult.completed(Map.of("status", 200)));
        assertEquals(ExecutionStatus.COMPLETED, record.finalStatus());
        assertNull(record.error());
        assertEquals(Map.of("status", 200), record.result().output());
    }

    @Test
    void theDelayIsTheBackoffOrAtLeastWhatTheTargetAskedFor() {
        ActionStep step = step(true, 2);
        assertEquals(Duration.ofMinutes(2), Checkpoints.retryDelay(step, StepResult.failed(new TransientFault("busy"), "busy", Map.of())));
        StepResult askedForFive = StepResult.failed(new TransientFault("HTTP 429", Duration.ofMinutes(5)), "HTTP 429", Map.of());
        assertEquals(Duration.ofMinutes(5), Checkpoints.retryDelay(step, askedForFive));
        assertEquals(300L, checkpoint(step, askedForFive).result().output().get("retry_after_seconds"));
    }
}
