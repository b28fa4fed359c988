package dev.triggerfish.action;

import dev.triggerfish.crm.RecordInput;
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
        String tag = ctx.render(ctx.text("tag"), dev.triggerfish.template.Escaping.PLAIN);
        return records.update(ctx.tx(), ctx.entityType(), ctx.entityId(), null, current -> {
                    java.util.List<String> tags = new java.util.ArrayList<>(current.tags());
                    if (!tags.contains(tag)) {
                        tags.add(tag);
                    }
                    return new RecordInput(current.id(), current.attributes(), tags, current.assignedTo());
                }, ctx.origin())
                .map(change -> StepResult.completed(java.util.Map.of("tag", tag, "tags", change.after().tags())));
    }
}
