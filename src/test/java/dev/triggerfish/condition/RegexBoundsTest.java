package dev.triggerfish.condition;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 9, item 3: a regex that would compile to a huge program is refused before it is compiled; every match is cheap. */
class RegexBoundsTest {

    private static List<Object> regex(String pattern) {
        return List.of(Map.of("field", "f", "operator", "regex", "value", pattern));
    }

    @ParameterizedTest
    @ValueSource(strings = {"(((a{1000}){1000}){1000})", "(a{1000}){1000}", "((a{10}){10}){11}", "a{1000}b", "(?:x{2,}){600}",
            "[a-z]{999}", "(ab|cd){400}", "(?:\\Q0123456789\\E){200}"})
    void aPatternThatCompilesTooLargeIsRefusedWithItsPath(String pattern) {
        // before the bound, the first of these ran the JVM out of heap while compiling
        InvalidConditions e = assertThrows(InvalidConditions.class, () -> CompiledCondition.compile(regex(pattern), "trigger_conditions"));
        assertEquals("trigger_conditions[0].value", e.errors().get(0).path());
        assertTrue(e.errors().get(0).message().startsWith("regex too costly"), e.errors().get(0).message());
    }

    @ParameterizedTest
    @ValueSource(strings = {"^[^@\\s]+@[^@\\s]+\\.[a-z]{2,}$", "\\d{3}-\\d{3}-\\d{4}", "^[A-Z]{2}[0-9]{2}[A-Z0-9]{1,30}$", "(a+)+$",
            "^(?i)(foo|bar|baz)\\b", "(?P<year>\\d{4})-(?P<month>\\d{2})", "[[:alpha:]]{1,20}", "\\p{Greek}+", "x{,5}"})
    void realPatternsAreAccepted(String pattern) {
        CompiledCondition.compile(regex(pattern), "trigger_conditions");
    }

    @Test
    void theCostEstimateIsAnUpperBoundOfWhatRe2jCompiles() {
        assertEquals(1_000_000, RegexCost.of("(a{1000}){1000}").repetition());
        assertTrue(RegexCost.of("(a{1000}){1000}").program() > 1_000_000);
        assertTrue(RegexCost.of("(((a{1000}){1000}){1000})").program() > 1_000_000_000L);
        assertEquals(10, RegexCost.of("a{10}").repetition());
        assertEquals(1, RegexCost.of("a*b+c?").repetition());
        // a brace that is no repetition is a literal
        assertEquals(1, RegexCost.of("a{x}{,}").repetition());
        assertNull(RegexCost.of("^[^@]+@acme\\.com$").refusal());
        assertEquals(RegexCost.MAX_INPUT, RegexCost.of("^[^@]+@acme\\.com$").inputLimit());
    }

    @Test
    void theWorstAcceptedPatternIsSearchedInSoShortAPrefixThatOneMatchStaysWithinTheBudget() {
        // the largest program accepted, every thread alive at every character: the worst case of the NFA.
        // The work of one match is program size × characters searched (RE2's linear bound), held under
        // MATCH_BUDGET steps (about 4 ms here; bench/ConditionBench times real patterns).
        String worst = "(?:a?){400}a{150}b";
        RegexCost cost = RegexCost.of(worst);
        assertNull(cost.refusal(), cost.refusal());
        assertTrue(cost.program() * cost.inputLimit() <= RegexCost.MATCH_BUDGET, cost + " searches " + cost.inputLimit());
        CompiledCondition c = CompiledCondition.compile(regex(worst), "trigger_conditions");
        String past = "a".repeat(cost.inputLimit()) + "a".repeat(150) + "b";
        assertFalse(c.matches(Map.of("f", past)), "a match past the searched prefix is not looked for");
        assertTrue(c.matches(Map.of("f", "a".repeat(150) + "b")));
    }

    @Test
    void aSmallPatternSearchesTheFirstTenThousandCharacters() {
        CompiledCondition c = CompiledCondition.compile(regex("needle"), "trigger_conditions");
        assertTrue(c.matches(Map.of("f", "x".repeat(9_990) + "needle")));
        assertFalse(c.matches(Map.of("f", "x".repeat(10_000) + "needle")));
    }
}
