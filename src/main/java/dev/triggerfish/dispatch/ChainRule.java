package dev.triggerfish.dispatch;

import dev.triggerfish.event.StoredEvent;

/**
 * The spec's chain rules, decided the same way by the dispatcher and by explain: a trigger does not
 * re-fire on the change its own action made, and an event deeper in a chain than
 * {@code triggerfish.dispatch.max-chain-depth} runs nothing (its executions are recorded as skipped).
 */
public record ChainRule(int maxDepth) {

    public static ChainRule of(DispatchConfig config) {
        return new ChainRule(config.maxChainDepth());
    }

    /** Whether {@code event} is a change that trigger {@code triggerId}'s own action made. */
    public boolean ownChange(StoredEvent event, long triggerId) {
        return event.originTriggerId() != null && event.originTriggerId() == triggerId;
    }

    public boolean tooDeep(StoredEvent event) {
        return event.chainDepth() > maxDepth;
    }

    /** The reason recorded on the skipped executions of an event too deep in its chain. */
    public String cutReason(StoredEvent event) {
        return "chain depth " + event.chainDepth() + " exceeds triggerfish.dispatch.max-chain-depth=" + maxDepth;
    }
}
