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
import static org.junit.jupiter.api.Assertions.assertFalse;
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

    @Test
    void partialsAndParentTemplatesNeverReachFilesOrTheClasspath() {
        // application.properties is on the classpath and pom.xml in the working directory: neither is ever read
        for (String template : List.of("{{>application.properties}}", "x {{> pom.xml}} y", "{{>*entity.name}}",
                "{{<application.properties}}{{/application.properties}}", "{{%IMPLICIT-ITERATOR}}", "{{=<% %>=}}<%>pom.xml%>")) {
            InvalidTemplate refused = assertThrows(InvalidTemplate.class, () -> RENDERER.render(template, scope(Map.of("name", "pom.xml")), Escaping.PLAIN));
            assertThrows(InvalidTemplate.class, () -> TemplateRenderer.check(template, name -> false), template);
            assertFalse(refused.getMessage().contains("quarkus"), refused.getMessage());
        }
        assertTrue(assertThrows(InvalidTemplate.class, () -> TemplateRenderer.check("{{>application.properties}}", n -> false))
                .reason().contains("application.properties"));
    }

    @Test
    void templatesReachNoMethodOrFieldOfAnyObject() {
        Map<String, Object> scope = scope(Map.of("name", "Big Deal", "tags", List.of("a", "b")));
        Rendered r = RENDERER.render("[{{entity.class}}][{{entity.name.class.name}}][{{entity.name.bytes}}][{{entity.tags.size}}][{{entity_id.length}}]",
                scope, Escaping.PLAIN);
        assertEquals("[][][][][]", r.text());
        assertEquals(Set.of("entity.class", "entity.name.class.name", "entity.name.bytes", "entity.tags.size", "entity_id.length"), r.missing());
        // what a template is for still works: sections over lists and maps, the implicit iterator, inverted sections
        assertEquals("a,b,|Big Deal|none", RENDERER.render("{{#entity.tags}}{{.}},{{/entity.tags}}|{{#entity}}{{name}}{{/entity}}|{{^entity.x}}none{{/entity.x}}",
                scope, Escaping.PLAIN).text());
    }

    @Test
    void unescapedValuesCannotBreakOutOfAHeader() {
        Map<String, Object> scope = scope(Map.of("name", "a\r\nX-Evil: 1"));
        assertEquals("a  X-Evil: 1", RENDERER.render("{{{entity.name}}}", scope, Escaping.HEADER).text());
        assertEquals("a  X-Evil: 1", RENDERER.render("{{&entity.name}}", scope, Escaping.HEADER).text());
    }

    @Test
    void nestedLoopsStopAtTheRenderedSizeBound() {
        List<Integer> hundred = java.util.stream.IntStream.range(0, 100).boxed().toList();
        Map<String, Object> scope = scope(Map.of("list", hundred, "text", "x".repeat(200)));
        // 100 x 100 x 100 iterations of 200 characters: 200 million characters without a bound
        TemplateLimitExceeded tooLong = assertThrows(TemplateLimitExceeded.class, () -> RENDERER.render(
                "{{#entity.list}}{{#entity.list}}{{#entity.list}}{{entity.text}}{{/entity.list}}{{/entity.list}}{{/entity.list}}", scope, Escaping.PLAIN));
        assertTrue(tooLong.getMessage().contains("1048576 characters"), tooLong.getMessage());
        // loops that write nothing are bounded by their iterations
        TemplateLimitExceeded tooMany = assertThrows(TemplateLimitExceeded.class, () -> RENDERER.render(
                "{{#entity.list}}{{#entity.list}}{{#entity.list}}{{/entity.list}}{{/entity.list}}{{/entity.list}}", scope, Escaping.PLAIN));
        assertTrue(tooMany.getMessage().contains("100000 section iterations"), tooMany.getMessage());
        // and a render takes no longer than allowed
        TemplateRenderer quick = new TemplateRenderer(new Secrets(Map.of()), new TemplateLimits(Integer.MAX_VALUE, Integer.MAX_VALUE, java.time.Duration.ofMillis(50)));
        assertThrows(TemplateLimitExceeded.class, () -> quick.render(
                "{{#entity.list}}{{#entity.list}}{{#entity.list}}{{#entity.list}}{{/entity.list}}{{/entity.list}}{{/entity.list}}{{/entity.list}}", scope, Escaping.PLAIN));
        assertEquals("xx", RENDERER.render("{{#entity.list}}{{#entity.two}}x{{/entity.two}}{{/entity.list}}", scope(Map.of("list", List.of(1), "two", List.of(1, 2))),
                Escaping.PLAIN).text());
    }

    @Test
    void secretsAreHiddenWhenTheRenderIsToldSo() {
        assertEquals("Bearer ", RENDERER.render("Bearer {{api_token}}", scope(Map.of()), Escaping.PLAIN, false).text());
        assertEquals("Bearer {slack_token}", RENDERER.render("Bearer {slack_token}", scope(Map.of()), Escaping.PLAIN, false).text());
    }

    @Test
    void aCheckNamesWhatTheTemplateRefersTo() {
        assertEquals(Set.of("entity.name", "entity.list", "name", "api_token", "slack_token"),
                TemplateRenderer.check("{{entity.name}} {{#entity.list}}{{name}}{{/entity.list}} {{api_token}} {slack_token} {other}", "slack_token"::equals));
        assertEquals(Set.of(), TemplateRenderer.check("no template here", n -> true));
    }

    @Test
    void everySpellingOfASecretIsRedacted() {
        String secret = "Tr1cky \"Secret\"/&<x>\r\né";
        Secrets secrets = new Secrets(Map.of("tricky", secret, "short", "abc"));
        for (String spelling : List.of(secret, secret.toUpperCase(java.util.Locale.ROOT), Escaping.HEADER.apply(secret), Escaping.URL.apply(secret),
                Escaping.HTML.apply(secret), java.net.URLEncoder.encode(secret, java.nio.charset.StandardCharsets.UTF_8),
                "Tr1cky \\\"Secret\\\"/&<x>\\r\\n\u00e9")) {
            assertEquals("before *** after", secrets.redact("before " + spelling + " after"), spelling);
        }
        assertEquals("abc stays (too short to redact)", secrets.redact("abc stays (too short to redact)"));
        Object json = secrets.redactJson(Map.of("k", List.of("x " + secret, 5), secret, true));
        assertEquals(Map.of("k", List.of("x ***", 5), "***", true), json);
    }
}
