package dev.triggerfish.action;

import dev.triggerfish.crm.RecordInput;
import dev.triggerfish.crm.RecordStore;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import dev.triggerfish.crm.UserDirectory;
import jakarta.inject.Singleton;

/** {@code assign_to_user}: a user id, a role resolved round-robin, {@code auto} or a template. */
@Singleton
public class AssignToUserAction implements ActionHandler {

    @Override
    public String type() {
        return "assign_to_user";
    }

    @Override
    public void validate(ConfigCheck action) {
        action.requireId("user_id");
    }

    @Inject
    RecordStore records;

    @Inject
    UserDirectory users;

    @Override
    public boolean changesRecords() {
        return true;
    }

    @Override
    public Uni<StepResult> execute(ActionContext ctx) {
        String assignee = ctx.render(ctx.text("user_id"), dev.triggerfish.template.Escaping.PLAIN);
        return users.resolve(ctx.tx(), assignee)
                .flatMap(user -> user == null
                        ? Uni.createFrom().item(StepResult.failed("no user, role or active user for 'auto' named '" + assignee + "'",
                                java.util.Map.of("user_id", assignee)))
                        : records.update(ctx.tx(), ctx.entityType(), ctx.entityId(), null,
                                        current -> new RecordInput(current.id(), current.attributes(), current.tags(), user), ctx.origin())
                                .map(change -> StepResult.completed(java.util.Map.of("requested", assignee, "assigned_to", user))));
    }
}
