package dev.triggerfish.condition;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.util.Map;

import static dev.triggerfish.condition.Json.list;
import static dev.triggerfish.condition.Json.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every operator against matching values, non-matching values, nulls, missing paths and type
 * mismatches. Each row: the record, the condition's operator and value, and the expected result.
 */
class OperatorTest {
    /** 2026-03-10T12:00:00Z: "now" for every relative date below. */
    static final long NOW = Instant.parse("2026-03-10T12:00:00Z").toEpochMilli();

    static boolean holds(String record, String operator, String value) {
        String condition = "[{'field': 'f', 'operator': '" + operator + "'" + (value == null ? "" : ", 'value': " + value) + "}]";
        CompiledCondition compiled = CompiledCondition.compile(list(condition), "trigger_conditions");
        Map<String, Object> rec = obj(record);
        return compiled.matches(rec, null, RelationResolver.NONE, NOW);
    }

    @ParameterizedTest(name = "{0} {1} {2} -> {3}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        // equals: text, numbers (also given as strings), booleans, null
        "{'f': 'won'}            | equals | 'won'        | true",
        "{'f': 'Won'}            | equals | 'won'        | false",
        "{'f': 50000}            | equals | '50000'      | true",
        "{'f': '50000'}          | equals | 50000        | true",
        "{'f': 5.0}              | equals | 5            | true",
        "{'f': true}             | equals | true         | true",
        "{'f': 'true'}           | equals | true         | true",
        "{'f': 1}                | equals | true         | false",
        "{'f': null}             | equals | null         | true",
        "{}                      | equals | null         | true",
        "{}                      | equals | 'won'        | false",
        "{'f': null}             | equals | 'won'        | false",
        "{'f': ['won']}          | equals | 'won'        | false",
        "{'f': {'a': 1}}         | equals | 'won'        | false",
        "{'f': '2026-03-10T08:00:00Z' } | equals | 'today' | true",
        "{'f': '2026-03-09T23:59:59Z' } | equals | 'today' | false",
        "{'f': '2026-03-09'}     | equals | 'yesterday'  | true",
        "{'f': '2026-03-10T08:00:00+02:00'} | equals | '2026-03-10' | true",
        // not_equals: a missing value is not comparable (false), except against null
        "{'f': 'lost'}           | not_equals | 'won'    | true",
        "{'f': 'won'}            | not_equals | 'won'    | false",
        "{}                      | not_equals | 'won'    | false",
        "{'f': 'x'}              | not_equals | null     | true",
        "{}                      | not_equals | null     | false",
        "{'f': 7}                | not_equals | '7'      | false",
        // greater_than / _or_equal / less_than / _or_equal: numbers, numeric strings, dates
        "{'f': 60000}            | greater_than | 50000  | true",
        "{'f': 50000}            | greater_than | 50000  | false",
        "{'f': '60000'}          | greater_than | 50000  | true",
        "{'f': 60000}            | greater_than | '50000' | true",
        "{'f': 'abc'}            | greater_than | 5      | false",
        "{'f': true}             | greater_than | 0      | false",
        "{}                      | greater_than | 5      | false",
        "{'f': null}             | greater_than | 5      | false",
        "{'f': [10]}             | greater_than | 5      | false",
        "{'f': 50000}            | greater_than_or_equal | 50000 | true",
        "{'f': 49999.5}          | greater_than_or_equal | 50000 | false",
        "{'f': 3}                | less_than | 5           | true",
        "{'f': 5}                | less_than | 5           | false",
        "{}                      | less_than | 5           | false",
        "{'f': 'x'}              | less_than | 5           | false",
        "{'f': 5}                | less_than_or_equal | 5  | true",
        "{'f': '2026-03-01T00:00:00Z'} | less_than | '7 days ago' | true",
        "{'f': '2026-03-05T00:00:00Z'} | less_than | '7 days ago' | false",
        // a stored record's times as CrmRecord.toJson writes them: OffsetDateTime.toString drops ':00' seconds
        "{'f': '2026-03-01T00:00Z'}    | less_than | '7 days ago' | true",
        "{'f': '2026-03-10T11:00Z'}    | greater_than | '2 hours ago' | true",
        "{'f': '2026-03-10T11:00+01:00'} | greater_than | '2 hours ago' | false",
        "{'f': '2026-03-10T11:00:00Z'} | greater_than | '2 hours ago' | true",
        "{'f': '2026-03-10T09:00:00Z'} | greater_than | '2 hours ago' | false",
        "{'f': '2026-03-10T00:00:00Z'} | greater_than_or_equal | 'today' | true",
        "{'f': '2026-03-09T23:00:00Z'} | greater_than_or_equal | 'today' | false",
        "{'f': '2026-03-12'}     | greater_than | 'in 1 day' | true",
        "{'f': '2026-03-01'}     | less_than | '2026-03-02' | true",
        "{'f': 'not a date'}     | less_than | '7 days ago' | false",
        "{'f': 17}               | less_than | '7 days ago' | false",
        "{'f': 'b'}              | greater_than | 'a'     | true",
        // in / not_in: scalars, lists on either side, loose numbers
        "{'f': 'website'}        | in | ['website', 'referral'] | true",
        "{'f': 'email'}          | in | ['website', 'referral'] | false",
        "{'f': '2'}              | in | [1, 2, 3]    | true",
        "{'f': ['a', 'referral']}| in | ['website', 'referral'] | true",
        "{}                      | in | ['website']  | false",
        "{'f': null}             | in | ['website']  | false",
        "{'f': 'won'}            | not_in | ['won', 'lost', 'closed'] | false",
        "{'f': 'proposal'}       | not_in | ['won', 'lost', 'closed'] | true",
        "{}                      | not_in | ['won', 'lost', 'closed'] | false",
        "{'f': ['x', 'won']}     | not_in | ['won'] | false",
        // contains / not_contains: substrings of text, elements of lists
        "{'f': ['vip', 'highly-engaged']} | contains | 'highly-engaged' | true",
        "{'f': ['vip']}          | contains | 'highly-engaged' | false",
        "{'f': 'hello world'}    | contains | 'lo wo'   | true",
        "{'f': [1, 2]}           | contains | '2'       | true",
        "{'f': 42}               | contains | '4'       | false",
        "{}                      | contains | 'x'       | false",
        "{'f': ['vip']}          | not_contains | 'highly-engaged' | true",
        "{'f': ['highly-engaged']} | not_contains | 'highly-engaged' | false",
        "{}                      | not_contains | 'x'   | false",
        // starts_with / ends_with
        "{'f': 'acme.com'}       | ends_with | '.com'     | true",
        "{'f': 'acme.org'}       | ends_with | '.com'     | false",
        "{'f': 'Mr Smith'}       | starts_with | 'Mr'     | true",
        "{'f': 12345}            | starts_with | '123'    | true",
        "{}                      | starts_with | 'x'      | false",
        "{'f': ['Mr']}           | starts_with | 'Mr'     | false",
        // is_empty / is_not_empty
        "{}                      | is_empty |             | true",
        "{'f': null}             | is_empty |             | true",
        "{'f': '  '}             | is_empty |             | true",
        "{'f': []}               | is_empty |             | true",
        "{'f': {}}               | is_empty |             | true",
        "{'f': 0}                | is_empty |             | false",
        "{'f': 'x'}              | is_not_empty |         | true",
        "{}                      | is_not_empty |         | false",
        // between: inclusive, numbers and dates
        "{'f': 10}               | between | [10, 20]     | true",
        "{'f': 20}               | between | [10, 20]     | true",
        "{'f': 21}               | between | [10, 20]     | false",
        "{'f': '15'}             | between | ['10', '20'] | true",
        "{'f': 'x'}              | between | [10, 20]     | false",
        "{}                      | between | [10, 20]     | false",
        "{'f': '2026-03-08T00:00:00Z'} | between | ['7 days ago', 'today'] | true",
        "{'f': '2026-03-01T00:00:00Z'} | between | ['7 days ago', 'today'] | false",
        // regex: RE2 find
        "{'f': 'jane@acme.com'}  | regex | '^[^@]+@acme\\\\.com$' | true",
        "{'f': 'jane@other.com'} | regex | '^[^@]+@acme\\\\.com$' | false",
        "{'f': 12345}            | regex | '^\\\\d+$'      | true",
        "{}                      | regex | 'a'          | false",
        "{'f': 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!'} | regex | '(a+)+$' | false",
    })
    void operator(String record, String operator, String value, boolean expected) {
        assertEquals(expected, holds(record, operator, value));
    }
}
