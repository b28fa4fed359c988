package dev.triggerfish.condition;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

import static dev.triggerfish.condition.Json.list;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SQL of the spec's time-based examples, without a database (the differential test runs it). */
class ConditionSqlTest {
    static final Instant SLOT = Instant.parse("2026-03-10T09:00:00Z");
    static final RelationTypes TYPES = relation -> relation.equals("company") ? "company" : null;

    static SqlPredicate sql(String conditions, Instant asOf) {
        return ConditionSql.compile(CompiledCondition.compile(list(conditions), "trigger_conditions"), asOf, TYPES);
    }

    @Test
    void stalledDealDailyReminderIsAnIndexableTimeBoundAndAnExactStageTest() {
        SqlPredicate p = sql("""
                [{'field': 'updated_at', 'operator': 'less_than', 'value': '7 days ago'},
                 {'field': 'stage', 'operator': 'not_in', 'value': ['won', 'lost', 'closed']}]""", SLOT);
        // the relative date is the slot's time minus 7 days, as a parameter, on the column itself
        assertTrue(p.where().startsWith("r.updated_at < $1::timestamptz\n  and case when coalesce(c1.t, 'null') = 'null' then false else not "),
                p.where());
        assertEquals(OffsetDateTime.of(2026, 3, 3, 9, 0, 0, 0, ZoneOffset.UTC), p.parameters().get(0));
        assertEquals(List.of("won", "lost", "closed"), p.parameters().subList(1, 4));
        assertTrue(p.joins().contains("(select r.attributes -> 'stage' as v, jsonb_typeof(r.attributes -> 'stage') as t"), p.joins());
        // both comparisons are exact for every row: nothing is left for the evaluator
        assertTrue(p.exact());
        assertEquals("false", p.recheck());
        assertEquals(List.of(), p.residual());
        // the options once for a scalar stage, once for the elements of an array
        assertEquals(List.of("won", "lost", "closed"), p.parameters().subList(4, 7));
        assertEquals(8, p.nextParameter());
    }

    @Test
    void aPastSlotGetsThatTimesAnswer() {
        String conditions = "[{'field': 'updated_at', 'operator': 'less_than', 'value': '7 days ago'}]";
        assertEquals(OffsetDateTime.of(2026, 2, 22, 0, 0, 0, 0, ZoneOffset.UTC),
                sql(conditions, Instant.parse("2026-03-01T00:00:00Z")).parameters().get(0));
        // greater_than on whole milliseconds: later than e means at least e + 1 ms
        SqlPredicate after = sql("[{'field': 'created_at', 'operator': 'greater_than', 'value': '2026-03-01T00:00:00Z'}]", SLOT);
        assertEquals("r.created_at >= $1::timestamptz", after.where());
        assertEquals(OffsetDateTime.of(2026, 3, 1, 0, 0, 0, 1_000_000, ZoneOffset.UTC), after.parameters().get(0));
    }

    @Test
    void dealRiskAlertSystemUsesTheGinIndexForStageAndAParameterForTheActivityDate() {
        SqlPredicate p = sql("""
                [{'field': 'stage', 'operator': 'in', 'value': ['proposal', 'negotiation']},
                 {'field': 'last_activity_date', 'operator': 'less_than', 'value': '5 days ago'}]""", SLOT);
        assertTrue(p.where().startsWith("(r.attributes @> $1::text::jsonb or r.attributes @> $2::text::jsonb"
                + " or r.attributes @> $3::text::jsonb or r.attributes @> $4::text::jsonb)\n  and "), p.where());
        assertEquals(List.of("{\"stage\": \"proposal\"}", "{\"stage\": [\"proposal\"]}", "{\"stage\": \"negotiation\"}",
                "{\"stage\": [\"negotiation\"]}"), p.parameters().subList(0, 4));
        // last_activity_date is an attribute: an ISO string compared as epoch milliseconds, 5 days before the slot
        assertTrue(p.parameters().contains(Instant.parse("2026-03-05T09:00:00Z").toEpochMilli()), p.parameters().toString());
        assertTrue(p.where().contains("c2.inst < $"), p.where());
        // a string SQL cannot read as java.time does (e.g. '2026-03-01T10:00:00.1234567Z') is left to the evaluator
        assertFalse(p.exact());
        // such rows are the ones whose whole predicate is unknown
        assertTrue(p.recheck().endsWith(") is null") && p.recheck().contains("c2.inst_u"), p.recheck());
    }

    @Test
    void relationsAreJoinedByTheirIdAndType() {
        SqlPredicate p = sql("[{'field': 'company.industry', 'operator': 'equals', 'value': 'technology'}]", SLOT);
        assertTrue(p.joins().startsWith("\n  left join crm_records j1 on j1.type = $1::text and j1.id = (case when jsonb_typeof(r.attributes -> 'company_id')"),
                p.joins());
        assertEquals("company", p.parameters().get(0));
        assertTrue(p.joins().contains("case when coalesce(jsonb_typeof(r.attributes -> 'company'), 'null') = 'null' then j1.attributes -> 'industry'"),
                p.joins());
    }

    @Test
    void regexAndChangeOperatorsAreLeftToTheEvaluator() {
        SqlPredicate p = sql("""
                [{'field': 'name', 'operator': 'regex', 'value': '^Acme'},
                 {'field': 'stage', 'operator': 'changed_to', 'value': 'won'},
                 {'field': 'score', 'operator': 'changed'}]""", SLOT);
        assertEquals(List.of("trigger_conditions[0]: name regex", "trigger_conditions[1]: stage changed_to",
                "trigger_conditions[2]: score changed"), p.residual());
        assertFalse(p.exact());
        // SQL still leaves out what cannot match: a regex needs text, a change needs a value
        assertTrue(p.where().contains("case when c1.txt is null and not c1.txt_u then false end"), p.where());
    }

    @Test
    void fieldNamesAreQuotedLiteralsAndValuesAreParameters() {
        ConditionNode hostile = new ConditionNode.Comparison("trigger_conditions[0]", "it's", Operator.EQUALS, "x'); drop table crm_records; --");
        SqlPredicate p = ConditionSql.compile(CompiledCondition.compile(hostile), SLOT, TYPES);
        assertTrue(p.joins().contains("r.attributes -> 'it''s'"), p.joins());
        assertFalse(p.where().contains("drop table"), p.where());
        assertFalse(p.joins().contains("drop table"), p.joins());
        assertTrue(p.parameters().contains("x'); drop table crm_records; --"));
    }

    @Test
    void noConditionsSelectEveryRecord() {
        SqlPredicate p = ConditionSql.compile(CompiledCondition.compile(null, "trigger_conditions"), SLOT, TYPES);
        assertEquals("true", p.where());
        assertTrue(p.exact());
    }
}
