package dev.triggerfish.action;

import dev.triggerfish.crm.RecordInput;
import dev.triggerfish.crm.RecordStore;
import dev.triggerfish.template.Escaping;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code create_note}: a record of type {@code note} with templated content, attached to the record. */
@Singleton
public class CreateNoteAction implements ActionHandler {

    @Inject
    RecordStore records;

    @Override
    public String type() {
        return "create_note";
    }

    @Override
    public void validate(ConfigCheck action) {
        action.requireText("content");
        action.optionalBoolean("is_private");
        action.optionalText("created_by");
    }

    @Override
    public boolean changesRecords() {
        return true;
    }

    @Override
    public Uni<StepResult> execute(ActionContext ctx) {
        Map<String, Object> note = new LinkedHashMap<>();
        note.put("content", ctx.render(ctx.text("content"), Escaping.PLAIN));
        note.put("is_private", Boolean.TRUE.equals(ctx.action().get("is_private")));
        note.put("created_by", ctx.action().getOrDefault("created_by", "system"));
        note.put("related_type", ctx.entityType());
        note.put("related_id", ctx.entityId());
        note.put("execution_id", ctx.executionId());
        return records.create(ctx.tx(), "note", new RecordInput("execution-" + ctx.idempotencyKey(), note, List.of(), null), ctx.origin())
                .map(change -> StepResult.completed(Map.of("note_id", change.after().id(), "content", note.get("content"))));
    }
}
