package dev.triggerfish.action;

import dev.triggerfish.crm.RecordStore;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.util.List;

/** {@code remove_tag}: removes a tag from the record. */
@Singleton
public class RemoveTagAction implements ActionHandler {

    @Override
    public String type() {
        return "remove_tag";
    }

    @Override
    public void validate(ConfigCheck action) {
        action.requireText("tag");
    }

    @Inject
    RecordStore records;

    @Override
    public boolean changesRecords() {
        return true;
    }

    @Override
    public Uni<StepResult> execute(ActionContext ctx) {
        return Tags.change(records, ctx, List::remove);
    }
}
