package dev.triggerfish.workflow;

import dev.triggerfish.action.ActionRegistry;
import dev.triggerfish.api.Paging;
import dev.triggerfish.audit.AuditLog;
import dev.triggerfish.support.FieldError;
import dev.triggerfish.support.InvalidInput;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The workflows: named, reusable action chains ({@code actions}, checked as a trigger's, and the retry
 * settings their runs use) that a {@code trigger_workflow} action starts by id.
 */
@ApplicationScoped
public class Workflows {
    static final Set<String> FIELDS = Set.of("actions", "allow_retries", "max_retries", "retry_configuration");

    private final DefinitionTable table;
    private final ActionRegistry registry;

    public Workflows(Pool pool, AuditLog audit, ActionRegistry registry) {
        this.table = new DefinitionTable(pool, audit, "workflows", "workflow");
        this.registry = registry;
    }

    public Uni<Definition> create(Map<String, Object> body, String actor) {
        return table.create(checked(body), actor);
    }

    public Uni<Definition> get(long id) {
        return table.get(id);
    }

    public Uni<Definition> find(SqlClient client, long id) {
        return table.find(client, id);
    }

    public Uni<Map<String, Object>> list(Paging paging) {
        return table.list(paging);
    }

    public Uni<Definition> replace(long id, Map<String, Object> body, Integer ifMatch, String actor) {
        return table.replace(id, checked(body), ifMatch, actor);
    }

    /** Deleting a workflow stops no run under way: each child runs the chain it was started with. */
    public Uni<Void> delete(long id, Integer ifMatch, String actor) {
        return table.delete(id, ifMatch, actor, tx -> Uni.createFrom().voidItem());
    }

    private DefinitionInput checked(Map<String, Object> body) {
        List<FieldError> errors = new ArrayList<>();
        Object actions = body.get("actions");
        Map<String, Object> definition = new LinkedHashMap<>();
        definition.put("actions", actions);
        definition.putAll(ActionChains.check(actions, body, registry, path -> "actions" + path, errors));
        DefinitionInput input = DefinitionInput.from(body, "workflow", FIELDS, definition, errors);
        if (!errors.isEmpty()) {
            throw new InvalidInput("workflow", errors);
        }
        return input;
    }
}
