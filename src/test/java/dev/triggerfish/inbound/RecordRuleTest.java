package dev.triggerfish.inbound;

import dev.triggerfish.inbound.RecordRule.Naming;
import dev.triggerfish.support.FieldError;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which record a payload concerns, as a source's rule reads it. */
class RecordRuleTest {
    static RecordRule rule(Map<String, Object> raw) {
        List<FieldError> errors = new ArrayList<>();
        RecordRule rule = RecordRule.read(raw, errors);
        assertEquals(List.of(), errors);
        return rule;
    }

    static List<String> errors(Object raw) {
        List<FieldError> errors = new ArrayList<>();
        RecordRule.read(raw, errors);
        return errors.stream().map(FieldError::path).toList();
    }

    @Test
    void byDefaultThePayloadNamesItsRecordByEntityTypeAndId() {
        RecordRule rule = rule(null);
        assertEquals(new Naming.ById("contact", "42"), rule.naming(Map.of("entity_type", "App\\Models\\Contact", "entity_id", 42)));
        assertEquals(new Naming.None(), rule.naming(Map.of("score", 90)));
        PayloadRefused noType = assertThrows(PayloadRefused.class, () -> rule.naming(Map.of("entity_id", "42")));
        assertEquals("entity_type", noType.errors().get(0).path());
    }

    @Test
    void aSourceNamesItsOwnPathsAndModelType() {
        RecordRule rule = rule(Map.of("model_type", "Deal", "id_field", "deal.id"));
        assertEquals(new Naming.ById("deal", "d-7"), rule.naming(Map.of("deal", Map.of("id", "d-7"))));
        PayloadRefused other = assertThrows(PayloadRefused.class, () -> rule.naming(Map.of("entity_type", "Contact", "deal", Map.of("id", 1))));
        assertEquals("entity_type", other.errors().get(0).path());
        PayloadRefused badId = assertThrows(PayloadRefused.class, () -> rule.naming(Map.of("deal", Map.of("id", List.of(1)))));
        assertEquals("deal.id", badId.errors().get(0).path());
    }

    @Test
    void aLookupFindsTheRecordByAttributesWhenThePayloadNamesNoId() {
        RecordRule rule = rule(Map.of("model_type", "Contact", "lookup", Map.of("email", "lead.email"), "when_missing", "create"));
        assertEquals(RecordRule.WhenMissing.CREATE, rule.whenMissing());
        assertEquals(new Naming.ByLookup("contact", Map.of("email", "a@example.com")),
                rule.naming(Map.of("lead", Map.of("email", "a@example.com"))));
        assertEquals(new Naming.None(), rule.naming(Map.of("lead", Map.of())));
        assertThrows(PayloadRefused.class, () -> rule.naming(Map.of("lead", Map.of("email", Map.of("x", 1)))));
    }

    @Test
    void badRulesAreRefusedNamingTheField() {
        assertEquals(List.of("record"), errors("contact"));
        assertEquals(List.of("record.when_missing"), errors(Map.of("when_missing", "sometimes")));
        assertEquals(List.of("record.model_type"), errors(Map.of("lookup", Map.of("email", "email"))));
        assertEquals(List.of("record.lookup.e-mail"), errors(Map.of("model_type", "Contact", "lookup", Map.of("e-mail", "email"))));
        assertEquals(List.of("record.id_field"), errors(Map.of("id_field", "a..b")));
        assertTrue(errors(Map.of("colour", "red")).contains("record.colour"));
    }
}
