package dev.triggerfish.execution;

import dev.triggerfish.action.ActionContext;
import dev.triggerfish.action.AddTagAction;
import dev.triggerfish.action.StepResult;
import dev.triggerfish.action.TransientFault;
import dev.triggerfish.action.WebhookAction;
import dev.triggerfish.execution.Checkpoints.After;
import dev.triggerfish.execution.Checkpoints.Started;
import dev.triggerfish.template.Secrets;
import dev.triggerfish.template.TemplateRenderer;
import dev.triggerfish.trigger.TriggerSnapshot;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** What follows a step whose action has {@code fallback} actions, and where such a step resumes: plain Java. */
class FallbackStepsTest {
    private static final StepResult REFUSED = StepResult.failed("HTTP 400", Map.of("status", 400));
    private static final StepResult DONE = StepResult.completed(Map.of());

    private static ActionStep step(String onFailure, boolean last) {
        Map<String, Object> hook = new java.util.HashMap<>(Map.of("type", "webhook", "url", "https://example.com/hook",
                "fallback", List.of(Map.of("type", "add_tag", "tag", "a"), Map.of("type", "add_tag", "tag", "b"))));
        if (onFailure != null) {
            hook.put("on_failure", onFailure);
        }
        List<Map<String, Object>> actions = last ? List.of(hook) : List.of(hook, Map.of("type", "add_tag", "tag", "after"));
        TriggerSnapshot trigger = new TriggerSnapshot(7, 1, "hook", true, false, true, 2, 0, Map.of("action_configuration", Map.of("actions", actions)), null);
        ClaimedExecution execution = new ClaimedExecution(42, 7, 1, 11, "Deal", "d-1", 0, 1, null, true);
        return new ActionStep(execution, trigger, 0, new WebhookAction());
    }

    private static StepRecord checkpoint(ActionStep step, StepResult result) {
        ActionContext context = step.context(Map.of(), new TemplateRenderer(new Secrets(Map.of())));
        return Checkpoints.of(step, context, result, Started.now());
    }

    @Test
    void anActionThatFailedForGoodIsReplacedByItsFallbacksInOrder() {
        ActionStep hook = step(null, false);
        StepRecord replaced = checkpoint(hook, REFUSED);
        assertEquals(After.FALLBACK, Checkpoints.after(hook, REFUSED));
        assertNull(replaced.finalStatus(), "the execution goes on, with the fallbacks");
        assertEquals(0, replaced.nextStep(), "and resumes at this step until they are done");
        assertEquals(true, replaced.result().output().get(FallbackProgress.REPLACED));

        ActionStep first = hook.fallbackStep(1, new AddTagAction());
        StepRecord firstDone = checkpoint(first, DONE);
        assertEquals(After.FALLBACK, Checkpoints.after(first, DONE));
        assertEquals(1, firstDone.fallback());
        assertEquals(0, firstDone.nextStep());
        assertEquals("42-0.f1", firstDone.idempotencyKey(), "a fallback has its own idempotency key");

        ActionStep second = hook.fallbackStep(2, new AddTagAction());
        assertEquals(After.NEXT, Checkpoints.after(second, DONE));
        assertEquals(1, checkpoint(second, DONE).nextStep(), "the last fallback done, the next step runs");
        assertEquals(ExecutionStatus.COMPLETED, checkpoint(step(null, true).fallbackStep(2, new AddTagAction()), DONE).finalStatus());
    }

    @Test
    void aTransientFaultIsRetriedBeforeTheFallbacksTakeOver() {
        StepResult busy = StepResult.failed(new TransientFault("HTTP 503"), "HTTP 503", Map.of());
        StepRecord record = checkpoint(step(null, false), busy);
        assertEquals(ExecutionStatus.RETRYING, record.finalStatus());
        assertNull(record.result().output().get(FallbackProgress.REPLACED));
    }

    @Test
    void aFallbackThatFailsForGoodFailsTheStepUnlessTheActionContinuesOnFailure() {
        ActionStep stops = step(null, false).fallbackStep(1, new AddTagAction());
        StepRecord failed = checkpoint(stops, REFUSED);
        assertEquals(ExecutionStatus.FAILED, failed.finalStatus());
        assertEquals("step 0 fallback 1 (add_tag) failed: HTTP 400", failed.error());
        assertEquals(0, failed.nextStep());

        ActionStep goesOn = step("continue", false).fallbackStep(1, new AddTagAction());
        assertEquals(After.NEXT, Checkpoints.after(goesOn, REFUSED), "the second fallback does not run: the first failed");
        assertNull(checkpoint(goesOn, REFUSED).finalStatus());
    }

    @Test
    void aResumedStepRunsTheFirstFallbackThatHasNotCompleted() {
        assertEquals(0, FallbackProgress.resumeAt(false, Map.of(), 2), "the action itself has not failed for good");
        assertEquals(1, FallbackProgress.resumeAt(true, Map.of(), 2), "it failed, and the replica died before its first fallback");
        assertEquals(2, FallbackProgress.resumeAt(true, Map.of(1, "completed"), 2), "the first already ran: not again");
        assertEquals(1, FallbackProgress.resumeAt(true, Map.of(1, "failed"), 2), "a failed one runs again (a retry)");
    }
}
