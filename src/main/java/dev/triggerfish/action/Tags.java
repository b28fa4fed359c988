package dev.triggerfish.action;

import dev.triggerfish.crm.RecordInput;
import dev.triggerfish.crm.RecordStore;
import dev.triggerfish.template.Escaping;
import io.smallrye.mutiny.Uni;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/** The change {@code add_tag} and {@code remove_tag} make to a record's tags, in the step's transaction. */
final class Tags {
    private Tags() {
    }

    static Uni<StepResult> change(RecordStore records, ActionContext ctx, BiConsumer<List<String>, String> edit) {
        String tag = ctx.render(ctx.text("tag"), Escaping.PLAIN);
        return records.update(ctx.tx(), ctx.entityType(), ctx.entityId(), null, current -> {
                    List<String> tags = new ArrayList<>(current.tags());
                    edit.accept(tags, tag);
                    return new RecordInput(current.id(), current.attributes(), tags, current.assignedTo());
                }, ctx.origin())
                .map(change -> StepResult.completed(Map.of("tag", tag, "tags", change.after().tags())));
    }
}
