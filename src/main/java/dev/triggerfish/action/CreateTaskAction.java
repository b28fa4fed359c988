package dev.triggerfish.action;

import dev.triggerfish.crm.RecordInput;
import dev.triggerfish.crm.RecordStore;
import dev.triggerfish.crm.UserDirectory;
import dev.triggerfish.template.Escaping;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code create_task}: a record of type {@code task} with a templated title, due in {@code due_days},
 * assigned to a user, a role (round-robin), {@code auto}, or by default the record's own assignee.
 */
@Singleton
public class CreateTaskAction implements ActionHandler {

    @Inject
    RecordStore records;

    @Inject
    UserDirectory users;

    @Override
    public String type() {
        return "create_task";
    }

    @Override
    public void validate(ConfigCheck action) {
        action.requireText("title");
        action.optionalText("description");
        action.optionalInt("due_days", 0, 3650);
        action.optionalId("assigned_to");
        action.oneOf("priority", Set.of("low", "medium", "normal", "high", "urgent"), false);
    }

    @Override
    public boolean changesRecords() {
        return true;
    }

    @Override
    public Uni<StepResult> execute(ActionContext ctx) {
        Object requested = ctx.action().get("assigned_to");
        Uni<String> assignee = requested == null
                ? Uni.createFrom().item(entityAssignee(ctx))
                : users.resolve(ctx.tx(), ctx.render(requested.toString(), Escaping.PLAIN));
        return assignee.flatMap(user -> {
            Map<String, Object> output = new LinkedHashMap<>();
            Map<String, Object> task = new LinkedHashMap<>();
            task.put("title", ctx.render(ctx.text("title"), Escaping.PLAIN));
            task.put("description", ctx.render(ctx.text("description"), Escaping.PLAIN));
            int dueDays = ctx.action().get("due_days") instanceof Number n ? n.intValue() : 0;
            task.put("due_date", LocalDate.now(ZoneOffset.UTC).plusDays(dueDays).toString());
            task.put("priority", ctx.action().getOrDefault("priority", "medium"));
            task.put("status", "open");
            task.put("related_type", ctx.entityType());
            task.put("related_id", ctx.entityId());
            task.put("execution_id", ctx.executionId());
            RecordInput input = new RecordInput("execution-" + ctx.idempotencyKey(), task, List.of(), user);
            return records.create(ctx.tx(), "task", input, ctx.origin())
                    .map(change -> {
                        output.put("task_id", change.after().id());
                        output.put("assigned_to", user);
                        if (requested != null && user == null) {
                            output.put("assignee_not_found", requested);
                        }
                        return StepResult.completed(output);
                    });
        });
    }

    private static String entityAssignee(ActionContext ctx) {
        return ctx.scope().get("entity") instanceof Map<?, ?> entity && entity.get("assigned_to") != null
                ? entity.get("assigned_to").toString()
                : null;
    }
}
