package dev.triggerfish.cadence;

import dev.triggerfish.action.ActionRegistry;
import dev.triggerfish.api.Paging;
import dev.triggerfish.audit.AuditLog;
import dev.triggerfish.condition.CompiledCondition;
import dev.triggerfish.condition.ConditionError;
import dev.triggerfish.condition.ConditionNode;
import dev.triggerfish.condition.ConditionParser;
import dev.triggerfish.condition.InvalidConditions;
import dev.triggerfish.support.FieldError;
import dev.triggerfish.support.InvalidInput;
import dev.triggerfish.workflow.ActionChains;
import dev.triggerfish.workflow.Definition;
import dev.triggerfish.workflow.DefinitionInput;
import dev.triggerfish.workflow.DefinitionTable;
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
 * The cadences: {@code steps} (each {@code {"action": {...}, "delay_hours": N}}, the action checked as a
 * trigger's), {@code exit_conditions} (the condition language of triggers, on the record as stored) and
 * the retry settings of their steps' executions.
 */
@ApplicationScoped
public class Cadences {
    static final Set<String> FIELDS = Set.of("steps", "exit_conditions", "allow_retries", "max_retries", "retry_configuration");
    static final int MAX_STEPS = 50;
    static final double MAX_DELAY_HOURS = 24 * 365;
    private static final Set<String> STEP_FIELDS = Set.of("action", "delay_hours");

    private final DefinitionTable table;
    private final ActionRegistry registry;
    private final Enrolments enrolments;

    public Cadences(Pool pool, AuditLog audit, ActionRegistry registry, Enrolments enrolments) {
        this.table = new DefinitionTable(pool, audit, "cadences", "cadence");
        this.registry = registry;
        this.enrolments = enrolments;
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

    /** Deleting a cadence ends its active enrolments, in the same transaction. */
    public Uni<Void> delete(long id, Integer ifMatch, String actor) {
        return table.delete(id, ifMatch, actor, tx -> enrolments.endAll(tx, id, "cadence " + id + " was deleted"));
    }

    private DefinitionInput checked(Map<String, Object> body) {
        List<FieldError> errors = new ArrayList<>();
        Map<String, Object> definition = new LinkedHashMap<>();
        List<Object> actions = new ArrayList<>();
        definition.put("steps", steps(body.get("steps"), actions, errors));
        if (!actions.isEmpty()) {
            definition.putAll(ActionChains.check(actions, body, registry, path -> stepPath(path), errors));
        }
        definition.put("exit_conditions", exitConditions(body.get("exit_conditions"), errors));
        DefinitionInput input = DefinitionInput.from(body, "cadence", FIELDS, definition, errors);
        if (!errors.isEmpty()) {
            throw new InvalidInput("cadence", errors);
        }
        return input;
    }

    /** {@code [i].tag} of the i-th action is {@code steps[i].action.tag}. */
    private static String stepPath(String actionPath) {
        int close = actionPath.indexOf(']');
        return actionPath.startsWith("[") && close > 0
                ? "steps" + actionPath.substring(0, close + 1) + ".action" + actionPath.substring(close + 1) : "steps" + actionPath;
    }

    /** The steps, each with its delay (0 when not given); their actions are added to {@code actions} to be checked. */
    private static List<Map<String, Object>> steps(Object raw, List<Object> actions, List<FieldError> errors) {
        List<Map<String, Object>> steps = new ArrayList<>();
        if (!(raw instanceof List<?> list) || list.isEmpty() || list.size() > MAX_STEPS) {
            errors.add(new FieldError("steps", raw == null ? "is required: a list of steps, each {\"action\": {...}, \"delay_hours\": N}"
                    : "must be a list of 1 to " + MAX_STEPS + " steps, each {\"action\": {...}, \"delay_hours\": N}"));
            return steps;
        }
        for (int i = 0; i < list.size(); i++) {
            String path = "steps[" + i + "]";
            if (!(list.get(i) instanceof Map<?, ?> step)) {
                errors.add(new FieldError(path, "must be an object: {\"action\": {...}, \"delay_hours\": N}"));
                continue;
            }
            step.keySet().stream().map(String::valueOf).filter(k -> !STEP_FIELDS.contains(k)).sorted()
                    .forEach(k -> errors.add(new FieldError(path + "." + k, "is not a field of a cadence step (fields: action, delay_hours)")));
            Object delay = step.get("delay_hours");
            if (delay != null && (!(delay instanceof Number n) || n.doubleValue() < 0 || n.doubleValue() > MAX_DELAY_HOURS)) {
                errors.add(new FieldError(path + ".delay_hours", "must be a number of hours from 0 to " + (int) MAX_DELAY_HOURS));
            }
            if (!(step.get("action") instanceof Map<?, ?>)) {
                errors.add(new FieldError(path + ".action", step.get("action") == null ? "is required: the action the step runs"
                        : "must be an action object with a 'type'"));
            }
            actions.add(step.get("action") instanceof Map<?, ?> a ? a : Map.of("type", "delay", "minutes", 1)); // keeps indexes aligned
            Map<String, Object> kept = new LinkedHashMap<>();
            kept.put("action", step.get("action"));
            kept.put("delay_hours", delay == null ? 0 : delay);
            steps.add(kept);
        }
        return steps;
    }

    /**
     * Conditions on the record as stored: a cadence step has no previous state to compare with, so the
     * change operators could never hold and are refused.
     */
    private static Object exitConditions(Object raw, List<FieldError> errors) {
        if (raw == null) {
            return List.of();
        }
        try {
            CompiledCondition.compile(raw, "exit_conditions");
            noChangeOperators(ConditionParser.parse(raw, "exit_conditions"), errors);
        } catch (InvalidConditions e) {
            for (ConditionError error : e.errors()) {
                errors.add(new FieldError(error.path(), error.message()));
            }
        }
        return raw;
    }

    private static void noChangeOperators(ConditionNode node, List<FieldError> errors) {
        if (node instanceof ConditionNode.All all) {
            all.children().forEach(child -> noChangeOperators(child, errors));
        } else if (node instanceof ConditionNode.Any any) {
            any.children().forEach(child -> noChangeOperators(child, errors));
        } else if (node instanceof ConditionNode.Comparison c && c.operator().isChange()) {
            errors.add(new FieldError(c.source() + ".operator", "'" + c.operator().wireName()
                    + "' compares a record with its previous state; exit conditions look at the record as it is stored"));
        }
    }
}
