package dev.triggerfish.trigger;

import dev.triggerfish.action.ActionHandler;
import dev.triggerfish.action.ActionRegistry;
import dev.triggerfish.action.ConfigCheck;
import dev.triggerfish.condition.CompiledCondition;
import dev.triggerfish.condition.ConditionNode;
import dev.triggerfish.condition.ConditionParser;
import dev.triggerfish.condition.ConditionError;
import dev.triggerfish.condition.InvalidConditions;
import dev.triggerfish.support.EntityType;
import dev.triggerfish.support.FieldError;
import dev.triggerfish.template.InvalidTemplate;
import dev.triggerfish.template.TemplateRenderer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A trigger as the spec writes it, checked: every field is validated and every bad one reported with
 * its JSON path. Unknown top-level fields are rejected, so that a misspelt {@code trigger_conditons}
 * cannot silently make a trigger fire on everything.
 */
public record TriggerDefinition(
        String name,
        String description,
        TriggerType triggerType,
        String modelType,
        String modelKey,
        List<Object> triggerConditions,
        Map<String, Object> actionConfiguration,
        Map<String, Object> rateLimiting,
        boolean allowRetries,
        int maxRetries,
        Map<String, Object> retryConfiguration,
        int delayMinutes,
        boolean isActive,
        boolean debugMode,
        CompiledCondition condition,
        String webhookSource) {

    public static final boolean DEFAULT_ALLOW_RETRIES = true;
    public static final int DEFAULT_MAX_RETRIES = 3;

    /** Fields of the wire form that the server writes; accepted in a body and ignored. */
    static final Set<String> READ_ONLY = Set.of("id", "version", "created_at", "updated_at");
    static final Set<String> FIELDS = Set.of("name", "description", "trigger_type", "model_type", "trigger_conditions",
            "action_configuration", "rate_limiting", "allow_retries", "max_retries", "retry_configuration",
            "delay_minutes", "is_active", "debug_mode", TriggerDefinition.WEBHOOK_SOURCE);
    /** Our addition: restricts a {@code webhook} trigger to the inbound webhooks of one source. */
    public static final String WEBHOOK_SOURCE = "webhook_source";
    private static final java.util.regex.Pattern SOURCE_NAME = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
    static final Set<String> SCHEDULES = Schedules.NAMES;
    private static final int MAX_ACTIONS = 50;
    private static final int MAX_FALLBACKS = 10;

    /**
     * Checks {@code body} (the parsed JSON of a trigger).
     *
     * @throws InvalidTrigger naming every bad field
     */
    public static TriggerDefinition from(Map<String, Object> body, ActionRegistry actions) {
        List<FieldError> errors = new ArrayList<>();
        ConfigCheck top = new ConfigCheck(body, "", errors);
        body.keySet().stream()
                .filter(k -> !FIELDS.contains(k) && !READ_ONLY.contains(k))
                .sorted()
                .forEach(k -> top.error(k, "is not a field of a trigger (fields: " + String.join(", ", new java.util.TreeSet<>(FIELDS)) + ")"));

        top.requireText("name");
        if (body.get("name") instanceof String n && n.length() > 255) {
            top.error("name", "must be at most 255 characters");
        }
        top.optionalText("description");
        TriggerType type = triggerType(body, top);
        String modelKey = modelKey(body, type, top);
        CompiledCondition condition = conditions(body.get("trigger_conditions"), errors);
        if (type == TriggerType.TIME_BASED && condition != null) {
            noChangeOperators(ConditionParser.parse(body.get("trigger_conditions"), "trigger_conditions"), errors);
        }
        actionConfiguration(body.get("action_configuration"), type, actions, errors);
        rateLimiting(body.get("rate_limiting"), errors);
        top.optionalBoolean("allow_retries");
        top.optionalInt("max_retries", 0, 100);
        retryConfiguration(body.get("retry_configuration"), errors);
        top.optionalInt("delay_minutes", 0, 525_600);
        top.optionalBoolean("is_active");
        top.optionalBoolean("debug_mode");
        webhookSource(body.get(WEBHOOK_SOURCE), type, top);

        if (!errors.isEmpty()) {
            throw new InvalidTrigger(errors);
        }
        return new TriggerDefinition(
                (String) body.get("name"),
                (String) body.get("description"),
                type,
                (String) body.get("model_type"),
                modelKey,
                list(body.get("trigger_conditions")),
                map(body.get("action_configuration")),
                map(body.get("rate_limiting")),
                bool(body.get("allow_retries"), DEFAULT_ALLOW_RETRIES),
                number(body.get("max_retries"), DEFAULT_MAX_RETRIES),
                map(body.get("retry_configuration")),
                number(body.get("delay_minutes"), 0),
                bool(body.get("is_active"), true),
                bool(body.get("debug_mode"), false),
                condition,
                (String) body.get(WEBHOOK_SOURCE));
    }

    private static void webhookSource(Object raw, TriggerType type, ConfigCheck top) {
        if (raw == null) {
            return;
        }
        if (type != TriggerType.WEBHOOK) {
            top.error(WEBHOOK_SOURCE, "is only for trigger type 'webhook'");
        } else if (!(raw instanceof String s) || !SOURCE_NAME.matcher(s).matches()) {
            top.error(WEBHOOK_SOURCE, "must be the name of a webhook source (lower-case letters, digits, '-', '_'; see /api/webhook-sources)");
        }
    }

    private static TriggerType triggerType(Map<String, Object> body, ConfigCheck top) {
        Object raw = body.get("trigger_type");
        TriggerType type = raw instanceof String s ? TriggerType.fromWireName(s) : null;
        if (raw == null) {
            top.error("trigger_type", "is required (one of: " + TriggerType.allWireNames() + ")");
        } else if (type == null) {
            top.error("trigger_type", "unknown trigger type '" + raw + "' (one of: " + TriggerType.allWireNames() + ")");
        }
        return type;
    }

    private static String modelKey(Map<String, Object> body, TriggerType type, ConfigCheck top) {
        Object raw = body.get("model_type");
        if (raw == null) {
            if (type != null && type.needsModel()) {
                top.error("model_type", "is required for trigger type '" + type.wireName() + "' (e.g. 'App\\Models\\Contact' or 'Contact')");
            }
            return null;
        }
        if (!(raw instanceof String s) || !EntityType.isValid(s)) {
            top.error("model_type", "must be a model name such as 'App\\Models\\Contact' or 'Contact'");
            return null;
        }
        return EntityType.canonical(s);
    }

    private static CompiledCondition conditions(Object raw, List<FieldError> errors) {
        try {
            return CompiledCondition.compile(raw, "trigger_conditions");
        } catch (InvalidConditions e) {
            for (ConditionError error : e.errors()) {
                errors.add(new FieldError(error.path(), error.message()));
            }
            return null;
        }
    }

    /**
     * A time-based trigger scans stored records on its schedule: a record has no previous state there,
     * so {@code changed}, {@code changed_to} and {@code changed_from} could never hold.
     */
    private static void noChangeOperators(ConditionNode node, List<FieldError> errors) {
        if (node instanceof ConditionNode.All all) {
            all.children().forEach(child -> noChangeOperators(child, errors));
        } else if (node instanceof ConditionNode.Any any) {
            any.children().forEach(child -> noChangeOperators(child, errors));
        } else if (node instanceof ConditionNode.Comparison c && c.operator().isChange()) {
            errors.add(new FieldError(c.source() + ".operator", "'" + c.operator().wireName() + "' compares a record with its previous"
                    + " state, which a time_based trigger does not have: its schedule looks at records as they are stored"));
        }
    }

    private static void actionConfiguration(Object raw, TriggerType type, ActionRegistry registry, List<FieldError> errors) {
        if (!(raw instanceof Map<?, ?> config)) {
            errors.add(new FieldError("action_configuration", raw == null ? "is required" : "must be an object"));
            return;
        }
        ConfigCheck check = new ConfigCheck(map(config), "action_configuration", errors);
        schedule(config.get("schedule"), type, check);
        slotPolicies(type, check);
        Object actions = config.get("actions");
        if (!(actions instanceof List<?> list) || list.isEmpty()) {
            check.error("actions", actions == null ? "is required: a list of at least one action" : "must be a non-empty list of actions");
            return;
        }
        if (list.size() > MAX_ACTIONS) {
            check.error("actions", "has more than " + MAX_ACTIONS + " actions");
        }
        for (int i = 0; i < list.size(); i++) {
            String path = "action_configuration.actions[" + i + "]";
            Map<?, ?> action = action(list.get(i), path, registry, errors);
            if (action != null) {
                // what a step that fails for good does: stop the execution there (the default), or go on with the next step
                new ConfigCheck(map(action), path, errors).oneOf("on_failure", ON_FAILURE, false);
                fallbacks(action.get("fallback"), path + ".fallback", registry, errors);
            }
        }
    }

    /** Checks one action object at {@code path}; returns it when it is an object of a known type, else null. */
    private static Map<?, ?> action(Object raw, String path, ActionRegistry registry, List<FieldError> errors) {
        if (!(raw instanceof Map<?, ?> action)) {
            errors.add(new FieldError(path, "must be an action object with a 'type'"));
            return null;
        }
        Object actionType = action.get("type");
        ActionHandler handler = actionType instanceof String t ? registry.find(t) : null;
        if (handler == null) {
            errors.add(new FieldError(path + ".type", (actionType == null ? "is required" : "unknown action type '" + actionType + "'")
                    + " (one of: " + registry.types() + ")"));
            return null;
        }
        handler.validate(new ConfigCheck(map(action), path, errors));
        Map<String, Object> own = new LinkedHashMap<>(map(action));
        own.remove("fallback"); // each fallback action is checked as what it is (one that calls out may see secrets)
        templates(own, path, !handler.seesSecrets(), registry, errors);
        return action;
    }

    /**
     * {@code fallback}: the actions that run, in order, in place of one that failed for good (the spec:
     * "design fallback actions for critical processes"). Each stands in for one step, so none pauses
     * the execution, has its own fallback or its own {@code on_failure} (the replaced action's decides).
     */
    private static void fallbacks(Object raw, String path, ActionRegistry registry, List<FieldError> errors) {
        if (raw == null) {
            return;
        }
        if (!(raw instanceof List<?> list) || list.isEmpty() || list.size() > MAX_FALLBACKS) {
            errors.add(new FieldError(path, "must be a list of 1 to " + MAX_FALLBACKS + " actions, run in place of this one when it fails for good"));
            return;
        }
        for (int i = 0; i < list.size(); i++) {
            String itemPath = path + "[" + i + "]";
            Map<?, ?> action = action(list.get(i), itemPath, registry, errors);
            if (action == null) {
                continue;
            }
            if ("delay".equals(action.get("type"))) {
                errors.add(new FieldError(itemPath + ".type", "a fallback stands in for one step and cannot pause the execution"));
            }
            for (String key : List.of("fallback", "on_failure")) {
                if (action.containsKey(key)) {
                    errors.add(new FieldError(itemPath + "." + key, "a fallback action has none of its own (the replaced action's "
                            + (key.equals("fallback") ? "fallbacks run in order" : "on_failure decides after a failed fallback") + ")"));
                }
            }
        }
    }

    /**
     * Every string of an action may be rendered as a template: each must parse and ask for nothing
     * templates may not do (partials, parent templates), so that a bad template is refused here rather
     * than failing every execution. An action that does not see secrets (one that changes records or
     * sends a message to a person) may not name one: what it writes or sends is read by people.
     */
    private static final Set<String> ON_FAILURE = Set.of("stop", "continue");

    private static void templates(Object value, String path, boolean noSecrets, ActionRegistry registry, List<FieldError> errors) {
        if (value instanceof String text) {
            try {
                Set<String> names = TemplateRenderer.check(text, registry::isSecret);
                if (noSecrets) {
                    names.stream().map(name -> name.split("\\.", 2)[0]).filter(registry::isSecret).findFirst()
                            .ifPresent(secret -> errors.add(new FieldError(path, "uses the secret '" + secret
                                    + "': secrets are for outbound calls (webhook url, headers, body), never written into records or sent in messages")));
                }
            } catch (InvalidTemplate e) {
                errors.add(new FieldError(path, "is not a valid template: " + e.reason()));
            }
        } else if (value instanceof Map<?, ?> object) {
            object.forEach((key, v) -> templates(v, path + "." + key, noSecrets, registry, errors));
        } else if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                templates(list.get(i), path + "[" + i + "]", noSecrets, registry, errors);
            }
        }
    }

    private static void schedule(Object schedule, TriggerType type, ConfigCheck check) {
        if (schedule == null) {
            if (type == TriggerType.TIME_BASED) {
                check.error("schedule", "is required for a time_based trigger (one of: " + String.join(", ", new java.util.TreeSet<>(SCHEDULES))
                        + ", or a cron expression)");
            }
            return;
        }
        String refusal = schedule instanceof String s ? Schedules.refusal(s) : "must be a string: a schedule name or a cron expression";
        if (refusal != null) {
            check.error("schedule", refusal);
        }
    }

    /**
     * A time-based trigger's {@code timezone} (an IANA name, default UTC), {@code catch_up} (missed slots:
     * {@code last}, the default, {@code all}, {@code none}) and {@code overlap} (a record whose execution
     * from the previous slot has not finished: {@code skip}, the default, or {@code allow}).
     */
    private static void slotPolicies(TriggerType type, ConfigCheck check) {
        for (String key : Schedules.POLICIES) {
            if (type != TriggerType.TIME_BASED && check.has(key)) {
                check.error(key, "applies to time_based triggers only");
            }
        }
        Object zone = check.object().get("timezone");
        if (zone != null) {
            String refusal = Schedules.zoneRefusal(zone);
            if (refusal != null) {
                check.error("timezone", refusal);
            }
        }
        check.oneOf("catch_up", Schedules.CATCH_UP, false);
        check.oneOf("overlap", Schedules.OVERLAP, false);
    }

    private static void rateLimiting(Object raw, List<FieldError> errors) {
        if (raw == null) {
            return;
        }
        if (!(raw instanceof Map<?, ?> limits)) {
            errors.add(new FieldError("rate_limiting", "must be an object"));
            return;
        }
        ConfigCheck check = new ConfigCheck(map(limits), "rate_limiting", errors);
        check.requireInt("limit", 1, 1_000_000_000);
        check.oneOf("period", Set.of("minute", "hour", "day"), true);
        check.optionalInt("burst_limit", 0, 1_000_000_000);
        check.oneOf("reset_strategy", Set.of("sliding", "fixed"), false);
        check.oneOf("on_limit", Set.of("reject", "defer"), false);
    }

    private static void retryConfiguration(Object raw, List<FieldError> errors) {
        if (raw == null) {
            return;
        }
        if (!(raw instanceof Map<?, ?> retry)) {
            errors.add(new FieldError("retry_configuration", "must be an object"));
            return;
        }
        ConfigCheck check = new ConfigCheck(map(retry), "retry_configuration", errors);
        check.optionalNumber("delay_minutes", 0, 525_600);
        check.optionalNumber("backoff_multiplier", 1, 100);
        check.optionalNumber("max_delay_hours", 0, 8_760);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object raw) {
        return (Map<String, Object>) raw;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object raw) {
        return (List<Object>) raw;
    }

    private static boolean bool(Object raw, boolean fallback) {
        return raw instanceof Boolean b ? b : fallback;
    }

    private static int number(Object raw, int fallback) {
        return raw instanceof Number n ? n.intValue() : fallback;
    }
}
