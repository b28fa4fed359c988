package dev.triggerfish.condition;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.triggerfish.condition.Json.list;
import static dev.triggerfish.condition.Json.obj;
import static dev.triggerfish.condition.OperatorTest.NOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConditionEngineTest {

    /** The spec's "Conditional Logic": score > 75 AND (source in [website, referral] OR company.industry == technology). */
    static final String SPEC_CONDITIONAL_LOGIC = """
            [ {'field': 'score', 'operator': 'greater_than', 'value': 75},
              {'logic': 'AND'},
              {'group': [
                  {'field': 'source', 'operator': 'in', 'value': ['website', 'referral']},
                  {'logic': 'OR'},
                  {'field': 'company.industry', 'operator': 'equals', 'value': 'technology'} ]} ]""";

    static final Map<String, Map<String, Object>> COMPANIES = Map.of(
            "1", obj("{'id': '1', 'industry': 'technology', 'employee_count': 120}"),
            "2", obj("{'id': '2', 'industry': 'retail', 'employee_count': 10}"));
    static final RelationResolver COMPANY = (relation, id) -> relation.equals("company") ? COMPANIES.get(id.toString()) : null;

    static CompiledCondition compile(String json) {
        return CompiledCondition.compile(list(json), "trigger_conditions");
    }

    static boolean holds(CompiledCondition c, String record) {
        return c.matches(obj(record), null, COMPANY, NOW);
    }

    @Test
    void specConditionalLogicExampleHoldsExactlyAsWritten() {
        CompiledCondition c = compile(SPEC_CONDITIONAL_LOGIC);
        assertTrue(holds(c, "{'score': 80, 'source': 'website', 'company_id': 2}"));
        assertTrue(holds(c, "{'score': 80, 'source': 'email', 'company_id': 1}"));
        assertFalse(holds(c, "{'score': 80, 'source': 'email', 'company_id': 2}"));
        assertFalse(holds(c, "{'score': 70, 'source': 'website', 'company_id': 1}"));
        assertFalse(holds(c, "{'score': 80, 'source': 'email'}"));
        assertFalse(holds(c, "{'score': 80, 'source': 'email', 'company_id': 99}"));
        assertEquals(java.util.Set.of("company"), c.relations());
    }

    @Test
    void flatListIsAnd() {
        CompiledCondition c = compile("[{'field': 'a', 'operator': 'equals', 'value': 1}, {'field': 'b', 'operator': 'equals', 'value': 2}]");
        assertTrue(holds(c, "{'a': 1, 'b': 2}"));
        assertFalse(holds(c, "{'a': 1, 'b': 3}"));
    }

    @Test
    void orItemJoinsItsNeighboursOnly() {
        // [a, b, OR, c] is a AND (b OR c)
        CompiledCondition c = compile("""
                [{'field': 'a', 'operator': 'equals', 'value': 1},
                 {'field': 'b', 'operator': 'equals', 'value': 1},
                 {'logic': 'OR'},
                 {'field': 'c', 'operator': 'equals', 'value': 1}]""");
        assertTrue(holds(c, "{'a': 1, 'c': 1}"));
        assertTrue(holds(c, "{'a': 1, 'b': 1}"));
        assertFalse(holds(c, "{'c': 1, 'b': 1}"));
    }

    @Test
    void orRunsChainAndAreAndedWithTheRest() {
        // [a, OR, b, OR, c, d] is (a OR b OR c) AND d
        CompiledCondition c = compile("""
                [{'field': 'a', 'operator': 'equals', 'value': 1}, {'logic': 'or'},
                 {'field': 'b', 'operator': 'equals', 'value': 1}, {'logic': 'OR'},
                 {'field': 'c', 'operator': 'equals', 'value': 1},
                 {'field': 'd', 'operator': 'equals', 'value': 1}]""");
        assertTrue(holds(c, "{'c': 1, 'd': 1}"));
        assertFalse(holds(c, "{'c': 1}"));
        assertFalse(holds(c, "{'d': 1}"));
    }

    @Test
    void groupsNest() {
        CompiledCondition c = compile("""
                [{'group': [{'group': [{'field': 'a', 'operator': 'equals', 'value': 1}, {'logic': 'OR'},
                                       {'field': 'b', 'operator': 'equals', 'value': 1}]},
                            {'field': 'c', 'operator': 'equals', 'value': 1}]},
                 {'logic': 'OR'},
                 {'field': 'd', 'operator': 'equals', 'value': 1}]""");
        assertTrue(holds(c, "{'b': 1, 'c': 1}"));
        assertTrue(holds(c, "{'d': 1}"));
        assertFalse(holds(c, "{'b': 1}"));
    }

    @Test
    void emptyOrAbsentConditionsAlwaysHold() {
        assertTrue(holds(compile("[]"), "{}"));
        assertTrue(CompiledCondition.compile(null, "trigger_conditions").matches(obj("{}")));
    }

    @Test
    void dotPathsReachNestedValuesListsAndRelations() {
        assertTrue(holds(compile("[{'field': 'address.city', 'operator': 'equals', 'value': 'Oslo'}]"), "{'address': {'city': 'Oslo'}}"));
        assertTrue(holds(compile("[{'field': 'emails.1', 'operator': 'equals', 'value': 'b@x'}]"), "{'emails': ['a@x', 'b@x']}"));
        assertFalse(holds(compile("[{'field': 'emails.5', 'operator': 'equals', 'value': 'b@x'}]"), "{'emails': ['a@x']}"));
        assertFalse(holds(compile("[{'field': 'address.city.zip', 'operator': 'equals', 'value': 'x'}]"), "{'address': {'city': 'Oslo'}}"));
        assertTrue(holds(compile("[{'field': 'company.employee_count', 'operator': 'greater_than', 'value': 50}]"), "{'company_id': 1}"));
        assertTrue(holds(compile("[{'field': 'entity.company.industry', 'operator': 'equals', 'value': 'retail'}]"), "{'company_id': '2'}"));
        // an embedded object wins over the relation lookup
        assertTrue(holds(compile("[{'field': 'company.industry', 'operator': 'equals', 'value': 'x'}]"),
                "{'company_id': 1, 'company': {'industry': 'x'}}"));
    }

    @Test
    void aMissingResolverOrRelationIsFalseNotAnException() {
        CompiledCondition c = compile("[{'field': 'company.industry', 'operator': 'equals', 'value': 'technology'}]");
        assertFalse(c.matches(obj("{'company_id': 1}"), null, RelationResolver.NONE, NOW));
        assertFalse(c.matches(obj("{'company_id': 1}"), null, null, NOW));
        assertFalse(c.matches(obj("{'company_id': 1}")));
    }

    @Test
    void relationsAreResolvedOncePerEvaluationOfALeaf() {
        AtomicInteger calls = new AtomicInteger();
        RelationResolver counting = (r, id) -> {
            calls.incrementAndGet();
            return COMPANY.resolve(r, id);
        };
        compile(SPEC_CONDITIONAL_LOGIC).matches(obj("{'score': 80, 'source': 'email', 'company_id': 1}"), null, counting, NOW);
        assertEquals(1, calls.get());
    }

    @Test
    void changeOperatorsCompareOldAndNew() {
        CompiledCondition changed = compile("[{'field': 'stage', 'operator': 'changed'}]");
        CompiledCondition to = compile("[{'field': 'stage', 'operator': 'changed_to', 'value': 'negotiation'}]");
        CompiledCondition from = compile("[{'field': 'stage', 'operator': 'changed_from', 'value': 'proposal'}]");
        Map<String, Object> proposal = obj("{'stage': 'proposal'}");
        Map<String, Object> negotiation = obj("{'stage': 'negotiation'}");
        assertTrue(changed.matches(negotiation, proposal, COMPANY, NOW));
        assertFalse(changed.matches(negotiation, negotiation, COMPANY, NOW));
        assertTrue(to.matches(negotiation, proposal, COMPANY, NOW));
        assertFalse(to.matches(negotiation, negotiation, COMPANY, NOW));
        assertFalse(to.matches(proposal, negotiation, COMPANY, NOW));
        assertTrue(from.matches(negotiation, proposal, COMPANY, NOW));
        assertFalse(from.matches(proposal, negotiation, COMPANY, NOW));
        // a new record (no previous state): a value that exists has changed from nothing
        assertTrue(changed.matches(negotiation, null, COMPANY, NOW));
        assertTrue(to.matches(negotiation, null, COMPANY, NOW));
        assertFalse(from.matches(negotiation, null, COMPANY, NOW));
        assertFalse(changed.matches(obj("{}"), null, COMPANY, NOW));
        // numbers compare loosely: 5 -> 5.0 is no change
        assertFalse(compile("[{'field': 'n', 'operator': 'changed'}]").matches(obj("{'n': 5.0}"), obj("{'n': 5}"), COMPANY, NOW));
    }

    @Test
    void fieldChangedFiresOnceWhenStageBecomesNegotiation() {
        CompiledCondition c = compile("""
                [{'field': 'stage', 'operator': 'changed_to', 'value': 'negotiation'},
                 {'field': 'value', 'operator': 'greater_than', 'value': 50000}]""");
        assertTrue(c.matchesEdge(obj("{'stage': 'negotiation', 'value': 60000}"), obj("{'stage': 'proposal', 'value': 60000}"), COMPANY, NOW));
        // a later update in negotiation does not fire again
        assertFalse(c.matchesEdge(obj("{'stage': 'negotiation', 'value': 70000}"), obj("{'stage': 'negotiation', 'value': 60000}"), COMPANY, NOW));
        assertFalse(c.matchesEdge(obj("{'stage': 'negotiation', 'value': 40000}"), obj("{'stage': 'proposal', 'value': 40000}"), COMPANY, NOW));
    }

    @Test
    void fieldChangedFiresOnceWhenAThresholdIsCrossed() {
        CompiledCondition c = compile("[{'field': 'engagement_score', 'operator': 'greater_than', 'value': 8}]");
        assertTrue(c.matchesEdge(obj("{'engagement_score': 9}"), obj("{'engagement_score': 5}"), COMPANY, NOW));
        assertFalse(c.matchesEdge(obj("{'engagement_score': 10}"), obj("{'engagement_score': 9}"), COMPANY, NOW));
        assertFalse(c.matchesEdge(obj("{'engagement_score': 4}"), obj("{'engagement_score': 9}"), COMPANY, NOW));
        assertTrue(c.matchesEdge(obj("{'engagement_score': 9}"), obj("{}"), COMPANY, NOW));
        // with no previous state, the edge is the condition itself
        assertTrue(c.matchesEdge(obj("{'engagement_score': 9}"), null, COMPANY, NOW));
    }

    @Test
    void relativeDatesAreResolvedAtEvaluationTime() {
        CompiledCondition c = compile("[{'field': 'updated_at', 'operator': 'less_than', 'value': '7 days ago'}]");
        Map<String, Object> record = obj("{'updated_at': '2026-03-05T00:00:00Z'}");
        assertFalse(c.matches(record, null, COMPANY, NOW));
        assertTrue(c.matches(record, null, COMPANY, NOW + 3 * 86_400_000L));
        // without a given clock, the wall clock is used
        assertTrue(c.matches(record));
    }

    @Test
    void relativeDateGrammar() {
        assertEquals(NOW - 7 * 86_400_000L, RelativeDate.parse("7 days ago").orElseThrow().resolve(NOW));
        assertEquals(NOW - 2 * 3_600_000L, RelativeDate.parse("2 hours ago").orElseThrow().resolve(NOW));
        assertEquals(NOW - 30 * 60_000L, RelativeDate.parse("30 minutes ago").orElseThrow().resolve(NOW));
        assertEquals(NOW + 3 * 86_400_000L, RelativeDate.parse("in 3 days").orElseThrow().resolve(NOW));
        assertEquals(NOW + 7 * 86_400_000L, RelativeDate.parse("1 week from now").orElseThrow().resolve(NOW));
        assertEquals(java.time.Instant.parse("2026-02-10T12:00:00Z").toEpochMilli(), RelativeDate.parse("1 month ago").orElseThrow().resolve(NOW));
        assertEquals(java.time.Instant.parse("2026-03-10T00:00:00Z").toEpochMilli(), RelativeDate.parse("Today").orElseThrow().resolve(NOW));
        assertEquals(java.time.Instant.parse("2026-03-11T00:00:00Z").toEpochMilli(), RelativeDate.parse("tomorrow").orElseThrow().resolve(NOW));
        assertTrue(RelativeDate.parse("7 dayz ago").isEmpty());
        assertTrue(RelativeDate.looksRelative("7 dayz ago"));
        assertFalse(RelativeDate.looksRelative("Chicago"));
        assertTrue(RelativeDate.parse("website").isEmpty());
    }

    @Test
    void explainReportsEveryLeafWithItsPathAndValues() {
        CompiledCondition c = compile(SPEC_CONDITIONAL_LOGIC);
        Explanation e = c.explain(obj("{'score': 80, 'source': 'email', 'company_id': 2}"), null, COMPANY, NOW);
        assertFalse(e.matched());
        assertEquals(3, e.leaves().size());
        Explanation.LeafTrace score = e.leaves().get(0);
        assertEquals("trigger_conditions[0]", score.path());
        assertEquals("score", score.field());
        assertEquals("greater_than", score.operator());
        assertEquals(75, score.expected());
        assertEquals(80, score.actual());
        assertTrue(score.result());
        Explanation.LeafTrace industry = e.leaves().get(2);
        assertEquals("trigger_conditions[2].group[2]", industry.path());
        assertEquals("retail", industry.actual());
        assertFalse(industry.result());
        Explanation changed = compile("[{'field': 'stage', 'operator': 'changed_to', 'value': 'won'}]")
                .explain(obj("{'stage': 'won'}"), obj("{'stage': 'lost'}"), COMPANY, NOW);
        assertTrue(changed.matched());
        assertEquals("lost", changed.leaves().get(0).previous());
    }

    @Test
    void indexKeysAreTheRequiredEqualities() {
        List<IndexKey> keys = compile("""
                [{'field': 'stage', 'operator': 'changed_to', 'value': 'won'},
                 {'field': 'source', 'operator': 'in', 'value': ['a', 5]},
                 {'field': 'company.industry', 'operator': 'equals', 'value': 'x'},
                 {'field': 'n', 'operator': 'greater_than', 'value': 1}]""").indexKeys();
        assertEquals(List.of(new IndexKey("stage", List.of("s:won")), new IndexKey("source", List.of("s:a", "n:5"))), keys);
        assertTrue(compile(SPEC_CONDITIONAL_LOGIC.replace("'logic': 'AND'", "'logic': 'OR'")).indexKeys().isEmpty());
        assertTrue(compile("[{'field': 'd', 'operator': 'equals', 'value': 'today'}]").indexKeys().isEmpty());
    }

    @Test
    void equalityKeysAgreeWithLooseEquality() {
        Object[] values = {5, 5.0, "5", "5.0", 5L, "abc", true, "true", false, "false", 0, "0", "", 1.5, "1.5"};
        for (Object a : values) {
            for (Object b : values) {
                assertEquals(Values.looselyEqual(a, b), Values.equalityKey(a).equals(Values.equalityKey(b)), a + " vs " + b);
            }
        }
    }

    @Test
    void evaluationNeverThrowsOnOddRecords() {
        CompiledCondition c = compile(SPEC_CONDITIONAL_LOGIC);
        Map<String, Object> odd = new HashMap<>();
        odd.put("score", List.of(1, 2));
        odd.put("source", Map.of("x", 1));
        odd.put("company_id", new ArrayList<>());
        odd.put("company", "not an object");
        assertFalse(c.matches(odd, odd, COMPANY, NOW));
        assertFalse(c.matches(null, null, COMPANY, NOW));
    }

    @Test
    void invalidConditionsAreRejectedWithThePathOfEachItem() {
        InvalidConditions e = assertThrows(InvalidConditions.class, () -> compile("""
                [{'field': 'a', 'operator': 'equal', 'value': 1},
                 {'operator': 'equals', 'value': 1},
                 {'field': 'b', 'operator': 'in', 'value': 'x'},
                 {'field': 'c', 'operator': 'less_than', 'value': '7 dayz ago'},
                 {'group': [{'field': 'd', 'operator': 'between', 'value': [1]}]},
                 {'field': 'e', 'operator': 'regex', 'value': '(unclosed'},
                 {'field': 'f', 'operator': 'equals'},
                 {'field': 'g..h', 'operator': 'is_empty'},
                 {'logic': 'XOR'},
                 'not an object']"""));
        List<String> paths = e.errors().stream().map(ConditionError::path).toList();
        assertEquals(List.of(
                "trigger_conditions[0].operator",
                "trigger_conditions[1].field",
                "trigger_conditions[2].value",
                "trigger_conditions[3].value",
                "trigger_conditions[4].group[0].value",
                "trigger_conditions[5].value",
                "trigger_conditions[6].value",
                "trigger_conditions[7].field",
                "trigger_conditions[8].logic",
                "trigger_conditions[9]"), paths);
        assertTrue(e.errors().get(0).message().contains("unknown operator 'equal'"));
        assertTrue(e.errors().get(3).message().contains("malformed relative date"));
    }

    @Test
    void logicItemsMustStandBetweenConditions() {
        assertThrows(InvalidConditions.class, () -> compile("[{'logic': 'OR'}, {'field': 'a', 'operator': 'is_empty'}]"));
        assertThrows(InvalidConditions.class, () -> compile("[{'field': 'a', 'operator': 'is_empty'}, {'logic': 'OR'}]"));
        assertThrows(InvalidConditions.class, () -> compile("[{'field': 'a', 'operator': 'is_empty'}, {'logic': 'OR'}, {'logic': 'OR'}, {'field': 'a', 'operator': 'is_empty'}]"));
        assertThrows(InvalidConditions.class, () -> compile("[{'group': []}]"));
        assertThrows(InvalidConditions.class, () -> CompiledCondition.compile(obj("{'field': 'a'}"), "trigger_conditions"));
    }

    @Test
    void groupsNestedDeeperThanTheLimitAreRejected() {
        String leaf = "{'field': 'a', 'operator': 'is_empty'}";
        String ok = leaf;
        for (int i = 1; i < ConditionParser.MAX_DEPTH; i++) {
            ok = "{'group': [" + ok + "]}";
        }
        compile("[" + ok + "]");
        String tooDeep = "{'group': [" + ok + "]}";
        InvalidConditions e = assertThrows(InvalidConditions.class, () -> compile("[" + tooDeep + "]"));
        assertTrue(e.errors().get(0).message().contains("deeper than " + ConditionParser.MAX_DEPTH));
    }

    @Test
    void tooManyLeavesAreRejected() {
        StringBuilder many = new StringBuilder("[");
        for (int i = 0; i <= ConditionParser.MAX_LEAVES; i++) {
            many.append(i == 0 ? "" : ",").append("{'field': 'a', 'operator': 'is_empty'}");
        }
        assertThrows(InvalidConditions.class, () -> compile(many + "]"));
    }
}
