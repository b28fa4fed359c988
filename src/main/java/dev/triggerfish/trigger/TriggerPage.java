package dev.triggerfish.trigger;

import dev.triggerfish.api.Paging;

import java.util.List;

/** One page of triggers with the total across pages. */
public record TriggerPage(List<EventTrigger> triggers, Paging paging, long total) {
}
