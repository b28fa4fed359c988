package dev.triggerfish.trigger;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.triggerfish.action.ActionRegistry;
import dev.triggerfish.api.ApiProblem;
import dev.triggerfish.api.Problems;
import dev.triggerfish.support.FieldError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Validation of trigger bodies, without Quarkus: what is accepted, and the path of every error. */
class TriggerDefinitionTest {
    static final ActionRegistry ACTIONS = ActionRegistry.builtIn();
    static final ObjectMapper MAPPER = new ObjectMapper();

    static List<String> specTriggers() {
        return SpecExamples.TRIGGERS;
    }

    @ParameterizedTest
    @MethodSource("specTriggers")
    void everySpecExampleIsAccepted(String name) {
        TriggerDefinition d = TriggerDefinition.from(SpecExamples.json(name), ACTIONS);
        assertEquals(SpecExamples.json(name).get("name"), d.name());
    }

    @Test
    void defaultsAndModelTypes() {
        TriggerDefinition d = TriggerDefinition.from(SpecExamples.json("02-deal-negotiation-alert"), ACTIONS);
        assertEquals(TriggerType.FIELD_CHANGED, d.triggerType());
        assertEquals("App\\Models\\Deal", d.modelType());
        assertEquals("deal", d.modelKey());
        assertTrue(d.isActive());
        assertFalse(d.debugMode());
        assertEquals(0, d.delayMinutes());
        assertEquals(TriggerDefinition.DEFAULT_MAX_RETRIES, d.maxRetries());
        assertEquals(5, TriggerDefinition.from(SpecExamples.json("05-lead-qualification"), ACTIONS).delayMinutes());
    }

    static Map<String, Object> body(String json) {
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> map = MAPPER.readValue(json.replace('\'', '"'), Map.class);
            return map;
        } catch (Exception e) {
            throw new IllegalArgumentException(json, e);
        }
    }

    static List<FieldError> errors(String json) {
        ApiProblem p = Problems.of(assertThrows(InvalidTrigger.class, () -> TriggerDefinition.from(body(json), ACTIONS)));
        assertEquals(422, p.status());
        return p.errors();
    }

    static final String ACTIONS_OK = "'action_configuration': {'actions': [{'type': 'add_tag', 'tag': 'x'}]}";

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "{'trigger_type': 'manual', " + ACTIONS_OK + "} | name",
        "{'name': '', 'trigger_type': 'manual', " + ACTIONS_OK + "} | name",
        "{'name': 'x', " + ACTIONS_OK + "} | trigger_type",
        "{'name': 'x', 'trigger_type': 'on_save', " + ACTIONS_OK + "} | trigger_type",
        "{'name': 'x', 'trigger_type': 'model_created', " + ACTIONS_OK + "} | model_type",
        "{'name': 'x', 'trigger_type': 'model_created', 'model_type': 'App Models', " + ACTIONS_OK + "} | model_type",
        "{'name': 'x', 'trigger_type': 'manual'} | action_configuration",
        "{'name': 'x', 'trigger_type': 'manual', 'action_configuration': []} | action_configuration",
        "{'name': 'x', 'trigger_type': 'manual', 'action_configuration': {'actions': []}} | action_configuration.actions",
        "{'name': 'x', 'trigger_type': 'manual', 'action_configuration': {'actions': [{'type': 'fax'}]}} | action_configuration.actions[0].type",
        "{'name': 'x', 'trigger_type': 'manual', 'action_configuration': {'actions': [{'tag': 'x'}]}} | action_configuration.actions[0].type",
        "{'name': 'x', 'trigger_type': 'manual', 'action_configuration': {'actions': ['add_tag']}} | action_configuration.actions[0]",
        "{'name': 'x', 'trigger_type': 'manual', 'action_configuration': {'actions': [{'type': 'add_tag', 'tag': 'a'}, {'type': 'webhook', 'method': 'POST'}]}} | action_configuration.actions[1].url",
        "{'name': 'x', 'trigger_type': 'manual', 'action_configuration': {'actions': [{'type': 'webhook', 'url': 'ftp://x'}]}} | action_configuration.actions[0].url",
        "{'name': 'x', 'trigger_type': 'manual', 'action_configuration': {'actions': [{'type': 'webhook', 'url': 'https://x', 'method': 'SEND'}]}} | action_configuration.actions[0].method",
        "{'name': 'x', 'trigger_type': 'manual', 'action_configuration': {'actions': [{'type': 'webhook', 'url': 'https://x', 'headers': {'A': 1}}]}} | action_configuration.actions[0].headers.A",
        "{'name': 'x', 'trigger_type': 'manual', 'action_configuration': {'actions': [{'type': 'send_email', 'template_id': 1}]}} | action_configuration.actions[0].recipient",
        "{'name': 'x', 'trigger_type': 'manual', 'action_configuration': {'actions': [{'type': 'send_email', 'recipient': 'custom', 'template_id': 1}]}} | action_configuration.actions[0].custom_email",
        "{'name': 'x', 'trigger_type': 'manual', 'action_configuration': {'actions': [{'type': 'send_sms', 'recipient': 'entity_phone'}]}} | action_configuration.actions[0]",
        "{'name': 'x', 'trigger_type': 'manual', 'action_configuration': {'actions': [{'type': 'create_task'}]}} | action_configuration.actions[0].title",
        "{'name': 'x', 'trigger_type': 'manual', 'action_configuration': {'actions': [{'type': 'create_task', 'title': 't', 'due_days': 1.5}]}} | action_configuration.actions[0].due_days",
        "{'name': 'x', 'trigger_type': 'manual', 'action_configuration': {'actions': [{'type': 'create_note'}]}} | action_configuration.actions[0].content",
        "{'name': 'x', 'trigger_type': 'manual', 'action_configuration': {'actions': [{'type': 'update_field', 'value': 1}]}} | action_configuration.actions[0].field",
        "{'name': 'x', 'trigger_type': 'manual', 'action_configuration': {'actions': [{'type': 'update_field', 'field': 'f'}]}} | action_configuration.actions[0].value",
        "{'name': 'x', 'trigger_type': 'manual', 'action_configuration': {'actions': [{'type': 'update_field', 'field': 'f', 'variable_mappings': {'d': {'source': 'computed', 'computation': 'tomorrow'}}}]}} | action_configuration.actions[0].variable_mappings.d.computation",
        "{'name': 'x', 'trigger_type': 'manual', 'action_configuration': {'actions': [{'type': 'remove_tag', 'tag': 3}]}} | action_configuration.actions[0].tag",
        "{'name': 'x', 'trigger_type': 'manual', 'action_configuration': {'actions': [{'type': 'assign_to_user'}]}} | action_configuration.actions[0].user_id",
        "{'name': 'x', 'trigger_type': 'manual', 'action_configuration': {'actions': [{'type': 'trigger_workflow'}]}} | action_configuration.actions[0].workflow_id",
        "{'name': 'x', 'trigger_type': 'manual', 'action_configuration': {'actions': [{'type': 'add_to_cadence', 'cadence_id': 2, 'start_step': 0}]}} | action_configuration.actions[0].start_step",
        "{'name': 'x', 'trigger_type': 'manual', 'action_configuration': {'actions': [{'type': 'sync_to_external', 'mapping': {'Email': '{{entity.email}}'}}]}} | action_configuration.actions[0].integration",
        "{'name': 'x', 'trigger_type': 'manual', 'action_configuration': {'actions': [{'type': 'sync_to_external', 'integration': 'salesforce'}]}} | action_configuration.actions[0].mapping",
        "{'name': 'x', 'trigger_type': 'manual', 'action_configuration': {'actions': [{'type': 'sync_to_external', 'integration': 'salesforce', 'mapping': {}}]}} | action_configuration.actions[0].mapping",
        "{'name': 'x', 'trigger_type': 'manual', 'action_configuration': {'actions': [{'type': 'add_tag', 'tag': 'x', 'fallback': []}]}} | action_configuration.actions[0].fallback",
        "{'name': 'x', 'trigger_type': 'manual', 'action_configuration': {'actions': [{'type': 'add_tag', 'tag': 'x', 'fallback': {'type': 'add_tag'}}]}} | action_configuration.actions[0].fallback",
        "{'name': 'x', 'trigger_type': 'manual', 'action_configuration': {'actions': [{'type': 'add_tag', 'tag': 'x', 'fallback': [{'type': 'webhook'}]}]}} | action_configuration.actions[0].fallback[0].url",
        "{'name': 'x', 'trigger_type': 'manual', 'action_configuration': {'actions': [{'type': 'add_tag', 'tag': 'x', 'fallback': [{'type': 'teleport'}]}]}} | action_configuration.actions[0].fallback[0].type",
        "{'name': 'x', 'trigger_type': 'manual', 'action_configuration': {'actions': [{'type': 'add_tag', 'tag': 'x', 'fallback': [{'type': 'delay', 'minutes': 5}]}]}} | action_configuration.actions[0].fallback[0].type",
        "{'name': 'x', 'trigger_type': 'manual', 'action_configuration': {'actions': [{'type': 'add_tag', 'tag': 'x', 'fallback': [{'type': 'add_tag', 'tag': 'y', 'fallback': [{'type': 'add_tag', 'tag': 'z'}]}]}]}} | action_configuration.actions[0].fallback[0].fallback",
        "{'name': 'x', 'trigger_type': 'manual', 'action_configuration': {'actions': [{'type': 'add_tag', 'tag': 'x', 'fallback': [{'type': 'add_tag', 'tag': 'y', 'on_failure': 'continue'}]}]}} | action_configuration.actions[0].fallback[0].on_failure",
        "{'name': 'x', 'trigger_type': 'time_based', " + ACTIONS_OK + "} | action_configuration.schedule",
        "{'name': 'x', 'trigger_type': 'time_based', 'action_configuration': {'schedule': 'sometimes', 'actions': [{'type': 'add_tag', 'tag': 'x'}]}} | action_configuration.schedule",
        "{'name': 'x', 'trigger_type': 'time_based', 'trigger_conditions': [{'field': 'a', 'operator': 'equals', 'value': 1}, {'group': [{'field': 'stage', 'operator': 'changed_to', 'value': 'won'}]}], 'action_configuration': {'schedule': 'daily', 'actions': [{'type': 'add_tag', 'tag': 'x'}]}} | trigger_conditions[1].group[0].operator",
        "{'name': 'x', 'trigger_type': 'manual', 'trigger_conditions': [{'field': 'a', 'operator': 'like', 'value': 1}], " + ACTIONS_OK + "} | trigger_conditions[0].operator",
        "{'name': 'x', 'trigger_type': 'manual', 'trigger_conditions': [{'field': 'a', 'operator': 'less_than', 'value': '3 fortnights ago'}], " + ACTIONS_OK + "} | trigger_conditions[0].value",
        "{'name': 'x', 'trigger_type': 'manual', 'trigger_conditions': {'field': 'a'}, " + ACTIONS_OK + "} | trigger_conditions",
        "{'name': 'x', 'trigger_type': 'manual', 'rate_limiting': {'limit': 0, 'period': 'hour'}, " + ACTIONS_OK + "} | rate_limiting.limit",
        "{'name': 'x', 'trigger_type': 'manual', 'rate_limiting': {'limit': 5, 'period': 'week'}, " + ACTIONS_OK + "} | rate_limiting.period",
        "{'name': 'x', 'trigger_type': 'manual', 'rate_limiting': {'limit': 5, 'period': 'day', 'reset_strategy': 'leaky'}, " + ACTIONS_OK + "} | rate_limiting.reset_strategy",
        "{'name': 'x', 'trigger_type': 'manual', 'rate_limiting': {'limit': 5, 'period': 'day', 'burst_limit': -1}, " + ACTIONS_OK + "} | rate_limiting.burst_limit",
        "{'name': 'x', 'trigger_type': 'manual', 'rate_limiting': 10, " + ACTIONS_OK + "} | rate_limiting",
        "{'name': 'x', 'trigger_type': 'manual', 'retry_configuration': {'backoff_multiplier': 0.5}, " + ACTIONS_OK + "} | retry_configuration.backoff_multiplier",
        "{'name': 'x', 'trigger_type': 'manual', 'retry_configuration': {'delay_minutes': 'soon'}, " + ACTIONS_OK + "} | retry_configuration.delay_minutes",
        "{'name': 'x', 'trigger_type': 'manual', 'max_retries': -1, " + ACTIONS_OK + "} | max_retries",
        "{'name': 'x', 'trigger_type': 'manual', 'allow_retries': 'yes', " + ACTIONS_OK + "} | allow_retries",
        "{'name': 'x', 'trigger_type': 'manual', 'delay_minutes': 'five', " + ACTIONS_OK + "} | delay_minutes",
        "{'name': 'x', 'trigger_type': 'manual', 'is_active': 'true', " + ACTIONS_OK + "} | is_active",
        "{'name': 'x', 'trigger_type': 'manual', 'debug_mode': 1, " + ACTIONS_OK + "} | debug_mode",
        "{'name': 'x', 'trigger_type': 'manual', 'trigger_conditons': [], " + ACTIONS_OK + "} | trigger_conditons",
    })
    void rejectsWithThePathOfTheBadField(String json, String path) {
        List<FieldError> errors = errors(json);
        assertEquals(List.of(path), errors.stream().map(FieldError::path).toList(), errors.toString());
    }

    @Test
    void reportsEveryErrorAtOnce() {
        List<FieldError> errors = errors("{'trigger_type': 'model_updated', 'trigger_conditions': [{'field': 'a', 'operator': 'nope'}],"
                + " 'action_configuration': {'actions': [{'type': 'webhook'}, {'type': 'add_tag'}]}}");
        assertEquals(List.of("name", "model_type", "trigger_conditions[0].operator", "action_configuration.actions[0].url",
                "action_configuration.actions[1].tag"), errors.stream().map(FieldError::path).toList());
    }

    @Test
    void cronSchedulesAndTemplatedUrlsAreAccepted() {
        TriggerDefinition.from(body("{'name': 'x', 'trigger_type': 'time_based', 'action_configuration': {'schedule': '0 9 * * MON-FRI',"
                + " 'actions': [{'type': 'webhook', 'url': 'https://{{tenant}}.example.com/hook?id={{entity_id}}'}]}}"), ACTIONS);
        TriggerDefinition.from(body("{'name': 'x', 'trigger_type': 'manual', 'id': 5, 'version': 3, 'created_at': 'x', " + ACTIONS_OK + "}"), ACTIONS);
    }

    static final ActionRegistry WITH_SECRETS = ActionRegistry.builtIn().withSecrets(java.util.Set.of("api_token", "slack_token", "billing_api_key"));

    @ParameterizedTest
    @MethodSource("specTriggers")
    void everySpecExampleIsAcceptedWithItsSecretsConfigured(String name) {
        TriggerDefinition.from(SpecExamples.json(name), WITH_SECRETS);
    }

    @Test
    void eachFallbackActionSeesTheSecretsItsOwnTypeMaySee() {
        String fallbacks = "{'name': 'x', 'trigger_type': 'manual', 'action_configuration': {'actions': [{'type': 'send_email', 'recipient': 'custom',"
                + " 'custom_email': 'desk@example.com', 'subject': 'Hi', 'body': 'Hello', 'fallback': [%s]}]}}";
        TriggerDefinition.from(body(fallbacks.formatted("{'type': 'webhook', 'url': 'https://x.example.com', 'headers': {'Authorization': 'Bearer {{api_token}}'}}")),
                WITH_SECRETS);
        List<FieldError> errors = assertThrows(InvalidTrigger.class, () -> TriggerDefinition.from(body(fallbacks.formatted(
                "{'type': 'create_note', 'content': 'token {{api_token}}'}")), WITH_SECRETS)).errors();
        assertEquals(List.of("action_configuration.actions[0].fallback[0].content"), errors.stream().map(FieldError::path).toList());
    }

    @Test
    void everyTemplatedStringMustParseAndLoadNoFile() {
        List<FieldError> errors = errors("{'name': 'x', 'trigger_type': 'manual', 'action_configuration': {'actions': ["
                + "{'type': 'webhook', 'url': 'https://x.test/{{>application.properties}}', 'headers': {'X-A': '{{#entity.a}}'},"
                + "  'body': {'list': ['ok {{entity.name}}', {'deep': '{{<parent}}{{/parent}}'}]}},"
                + "{'type': 'create_note', 'content': '{{>/etc/passwd}}'},"
                + "{'type': 'update_field', 'field': 'f', 'value': {'v': '{{/entity.name}}'}},"
                + "{'type': 'add_tag', 'tag': '{{=<% %>=}}'},"
                + "{'type': 'assign_to_user', 'user_id': '{{entity.owner'},"
                + "{'type': 'create_task', 'title': 'ok', 'description': '{{%IMPLICIT-ITERATOR}}'}]}}");
        assertEquals(List.of("action_configuration.actions[0].url", "action_configuration.actions[0].headers.X-A",
                "action_configuration.actions[0].body.list[1].deep", "action_configuration.actions[1].content",
                "action_configuration.actions[2].value.v", "action_configuration.actions[3].tag", "action_configuration.actions[4].user_id",
                "action_configuration.actions[5].description"), errors.stream().map(FieldError::path).toList(), errors.toString());
        assertTrue(errors.get(0).message().contains("application.properties"), errors.get(0).message());
        assertTrue(errors.get(3).message().contains("/etc/passwd"), errors.get(3).message());
    }

    @Test
    void actionsThatChangeRecordsMayNotUseSecrets() {
        List<FieldError> errors = assertThrows(InvalidTrigger.class, () -> TriggerDefinition.from(body("{'name': 'x', 'trigger_type': 'manual',"
                + " 'action_configuration': {'actions': ["
                + "{'type': 'webhook', 'url': 'https://x.test/?t={{api_token}}', 'headers': {'Authorization': 'Bearer {slack_token}'}},"
                + "{'type': 'update_field', 'field': 'f', 'value': 'token {{api_token}}'},"
                + "{'type': 'create_note', 'content': 'token {slack_token}'},"
                + "{'type': 'add_tag', 'tag': '{{#billing_api_key}}x{{/billing_api_key}}'},"
                + "{'type': 'assign_to_user', 'user_id': '{{api_token}}'},"
                + "{'type': 'create_task', 'title': '{{entity.name}} {{api_token}}'},"
                + "{'type': 'update_field', 'field': 'g', 'value': '{{entity.api_token}} is a field, {not_a_secret} is text'}]}}"), WITH_SECRETS)).errors();
        assertEquals(List.of("action_configuration.actions[1].value", "action_configuration.actions[2].content", "action_configuration.actions[3].tag",
                "action_configuration.actions[4].user_id", "action_configuration.actions[5].title"), errors.stream().map(FieldError::path).toList(), errors.toString());
        assertTrue(errors.get(0).message().contains("'api_token'"), errors.get(0).message());
    }

    /** A workflow's context is stored with its child execution, an enrolment with its cadence: no secret may reach them. */
    @Test
    void whatIsStoredMayNotUseSecrets() {
        List<FieldError> errors = assertThrows(InvalidTrigger.class, () -> TriggerDefinition.from(body("{'name': 'x', 'trigger_type': 'manual',"
                + " 'action_configuration': {'actions': ["
                + "{'type': 'trigger_workflow', 'workflow_id': 7, 'context': {'token': '{{api_token}}', 'event': '{{trigger_event}}'}},"
                + "{'type': 'add_to_cadence', 'cadence_id': 2, 'start_step': 1, 'note': '{slack_token}'}]}}"), WITH_SECRETS)).errors();
        assertEquals(List.of("action_configuration.actions[0].context.token", "action_configuration.actions[1].note"),
                errors.stream().map(FieldError::path).toList(), errors.toString());
    }
}
