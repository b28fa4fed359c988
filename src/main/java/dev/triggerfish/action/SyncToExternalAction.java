package dev.triggerfish.action;

import jakarta.inject.Singleton;

/** {@code sync_to_external}: pushes mapped fields to an integration (salesforce, hubspot…). */
@Singleton
public class SyncToExternalAction implements ActionHandler {

    @Override
    public String type() {
        return "sync_to_external";
    }

    @Override
    public void validate(ConfigCheck action) {
        action.requireText("integration");
        action.optionalStringMap("mapping");
    }
}
