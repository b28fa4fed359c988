package dev.triggerfish.schedule;

/** This replica's claim on a slot expired and another replica took it over: the page in hand is rolled back and dropped. */
public class LostSlot extends RuntimeException {
    public LostSlot(long slotId) {
        super("lost the claim on slot " + slotId, null, false, false);
    }
}
