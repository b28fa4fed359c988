package dev.triggerfish.schedule;

import java.time.Instant;

/**
 * A slot this replica holds a claim on, with its scan's checkpoint: the last record of the last
 * committed page ({@code afterType}/{@code afterId}, null before the first page).
 */
public record ClaimedSlot(long id, long triggerId, Instant slotAt, String origin, String afterType, String afterId) {

    /** The slot with its checkpoint moved past a committed page. */
    ClaimedSlot after(String type, String id) {
        return new ClaimedSlot(this.id, triggerId, slotAt, origin, type, id);
    }
}
