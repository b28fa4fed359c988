package dev.triggerfish.template;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.triggerfish.condition.RelationResolver;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TemplateRendererTest {
    static final TemplateRenderer RENDERER = new TemplateRenderer(new Secrets(Map.of("api_token", "tok-secret-1", "slack_token", "xoxb-42")));
    static final RelationResolver COMPANIES = (relation, id) -> "company".equals(relation) && "7".equals(id.toString())
            ? Map.of("name", "Initech", "industry", "technology") : null;

    static Map<String, Object> scope(Map<String, Object> entity) {
        Map<String, Object> scope = new LinkedHashMap<>();
        scope.put("entity", new EntityView(entity, COMPANIES));
        scope.put("entity_type", "deal");
        scope.put("entity_id", "42");
        scope.put("trigger_event", "deal.updated");
        return scope;
    }

    @Test
    void entityFieldsRelationsAndEventNames() {
        Rendered r = RENDERER.render("Deal {{entity.name}} at {{entity.company.name}} ({{entity_type}} {{entity_id}}, {{trigger_event}})",
                scope(Map.of("name", "Big Deal", "company_id", 7)), Escaping.PLAIN);
        assertEquals("Deal Big Deal at Initech (deal 42, deal.updated)", r.text());
        assertTrue(r.missing().isEmpty());
    }

    @Test
    void missingValuesRenderEmptyAndAreReported() {
        Rendered r = RENDERER.render("Hi {{entity.first_name}} of {{entity.company.name}}", scope(Map.of("company_id", 99)), Escaping.PLAIN);
        assertEquals("Hi  of ", r.text());
        assertEquals(Set.of("entity.first_name", "entity.company.name"), r.missing());
    }

    @Test
    void secretsWithDoubleOrSingleBraces() {
        assertEquals("Bearer tok-secret-1", RENDERER.render("Bearer {{api_token}}", scope(Map.of()), Escaping.HEADER).text());
        assertEquals("Bearer xoxb-42", RENDERER.render("Bearer {slack_token}", scope(Map.of()), Escaping.HEADER).text());
        assertEquals("{not_a_secret} stays", RENDERER.render("{not_a_secret} stays", scope(Map.of()), Escaping.PLAIN).text());
        assertEquals("value *** and ***", RENDERER.secrets().redact("value tok-secret-1 and xoxb-42"));
    }

    @Test
    void valuesAreEscapedForWhereTheyLand() {
        Map<String, Object> scope = scope(Map.of("name", "<b>\"A&B\"</b>\r\nX-Evil: 1", "q", "a b&c=d/é"));
        assertEquals("&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt;\r\nX-Evil: 1", RENDERER.render("{{entity.name}}", scope, Escaping.HTML).text());
        assertEquals("<b>\"A&B\"</b>  X-Evil: 1", RENDERER.render("{{entity.name}}", scope, Escaping.HEADER).text());
        assertEquals("https://x.test/s?q=a%20b%26c%3Dd%2F%C3%A9", RENDERER.render("https://x.test/s?q={{entity.q}}", scope, Escaping.URL).text());
    }

    @Test
    void jsonLeavesStayValidJsonWhateverTheValuesHold() throws Exception {
        Set<String> missing = new HashSet<>();
        Object body = RENDERER.renderJson(Map.of("text", "Deal {{entity.name}}", "n", 5, "list", List.of("{{entity_id}}", true)),
                scope(Map.of("name", "quote \" backslash \\ newline \n brace }} end")), missing);
        String json = new ObjectMapper().writeValueAsString(body);
        Map<?, ?> back = new ObjectMapper().readValue(json, Map.class);
        assertEquals("Deal quote \" backslash \\ newline \n brace }} end", back.get("text"));
        assertEquals(5, back.get("n"));
        assertEquals(List.of("42", true), back.get("list"));
        assertTrue(missing.isEmpty());
    }

    @Test
    void aTemplateThatDoesNotParseIsReported() {
        assertThrows(InvalidTemplate.class, () -> RENDERER.render("{{#entity.name}} never closed", scope(Map.of()), Escaping.PLAIN));
    }
}
