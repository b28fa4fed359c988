package dev.triggerfish.action;

import dev.triggerfish.crm.RecordStore;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/** {@code add_tag}: adds a tag to the record (once). */
@Singleton
public class AddTagAction implements ActionHandler {

    @Override
    public String type() {
        return "add_tag";
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
        return Tags.change(records, ctx, (tags, tag) -> {
            if (!tags.contains(tag)) {
                tags.add(tag);
            }
        });
    }
}
