package dev.triggerfish.crm;

/**
 * Who changes a record, for the event the change emits.
 *
 * @param source          records (the API), action (a trigger's action)
 * @param chainDepth      the depth of the emitted event
 * @param originTriggerId the trigger whose action made the change, or null
 */
public record ChangeOrigin(String source, int chainDepth, Long originTriggerId) {
    public static final ChangeOrigin API = new ChangeOrigin("records", 0, null);
}
