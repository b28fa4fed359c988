package dev.triggerfish.dispatch;

import dev.triggerfish.StoreDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The rate-limit buckets as the executions table's triggers keep them, against the real schema: a
 * limited trigger's own executions count, in any statement that inserts them; what runs on its behalf
 * (a workflow's child, a cadence step: a flow) and executions of unlimited triggers do not.
 */
class RateLimitBucketsTest {
    final StoreDatabase db = StoreDatabase.shared();

    @BeforeEach
    void clear() {
        db.clear();
    }

    private long trigger(String definition) {
        return db.row("insert into event_triggers (name, trigger_type, model_key, definition) values ('t', 'model_created', 'contact', $1::text::jsonb)"
                + " returning id", definition).getLong("id");
    }

    /** Inserts, in one statement, an execution of each trigger for a new event; {@code flow} marks them as run on its behalf. */
    private void executions(boolean flow, long... triggers) {
        db.sql("insert into trigger_executions (trigger_id, trigger_version, event_id, entity_type, entity_id, status, flow)"
                + " select t, 1, nextval('bucket_test_events'), 'contact', '1', 'completed', case when $2 then '{}'::jsonb end"
                + " from unnest($1::bigint[]) t", triggers, flow);
    }

    private long admitted(long trigger) {
        return db.row("select coalesce(sum(admitted), 0) as n from rate_limit_buckets where trigger_id = $1", trigger).getLong("n");
    }

    @Test
    void aLimitedTriggersOwnExecutionsCountWhatRunsOnItsBehalfDoesNot() {
        db.sql("create sequence if not exists bucket_test_events");
        long limited = trigger("{\"rate_limiting\": {\"limit\": 10, \"period\": \"minute\"}}");
        long unlimited = trigger("{}");
        long keyWithoutLimit = trigger("{\"rate_limiting\": null}");

        executions(false, unlimited, keyWithoutLimit); // a statement with no limited trigger in it
        executions(false, limited, unlimited, limited);
        executions(true, limited); // a workflow's child or a cadence step of the limited trigger
        executions(false, limited);

        assertEquals(3, admitted(limited));
        assertEquals(0, admitted(unlimited));
        assertEquals(0, admitted(keyWithoutLimit));
    }
}
