package dev.triggerfish.retention;

import dev.triggerfish.StoreDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.triggerfish.StoreDatabase.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Retention against real tables: what is past its age and done with goes, with its steps; what the engine
 * still works on, what is young, and an old event that a young execution still refers to stay.
 */
class HistoryRetentionTest {
    static final Duration MAX_AGE = Duration.ofDays(30);
    static final String OLD = "now() - interval '31 days'";
    static final String YOUNG = "now() - interval '29 days'";

    final StoreDatabase db = StoreDatabase.shared();
    final HistoryRetention retention = new HistoryRetention(db.pool());
    long nextTrigger = 1;

    @BeforeEach
    void empty() {
        db.clear();
    }

    @Test
    void anOldEndedExecutionGoesWithItsStepsAndThenItsEvent() {
        long event = event("dispatched", OLD);
        List<Long> ended = new ArrayList<>();
        for (String status : List.of("completed", "failed", "skipped", "rate_limited", "cancelled")) {
            ended.add(execution(event, status, OLD));
        }
        ended.forEach(id -> step(id, 0));

        assertEquals(0, await(retention.removeEvents(MAX_AGE, 100)), "an event goes only once its executions are gone");
        assertEquals(5, await(retention.removeExecutions(MAX_AGE, 100)));
        assertEquals(0, count("trigger_executions"));
        assertEquals(0, count("execution_steps"), "the steps go with their execution");
        assertEquals(1, await(retention.removeEvents(MAX_AGE, 100)));
        assertEquals(0, count("events"));
    }

    @Test
    void whatTheEngineStillWorksOnStaysWhateverItsAge() {
        long event = event("dispatched", OLD);
        long pending = execution(event, "pending", OLD);
        long scheduled = execution(event, "scheduled", OLD);
        long retrying = execution(event, "retrying", OLD);
        db.sql("insert into trigger_executions (trigger_id, trigger_version, event_id, status, claimed_by, lease_until, created_at)"
                + " values ($1, 1, $2, 'running', 'replica-a', now() + interval '15 seconds', now() - interval '31 days')", nextTrigger++, event);
        step(retrying, 0);
        event("new", OLD);
        event("dispatching", OLD);

        assertEquals(0, await(retention.removeExecutions(MAX_AGE, 100)));
        assertEquals(0, await(retention.removeEvents(MAX_AGE, 100)));
        assertEquals(4, count("trigger_executions"));
        assertEquals(1, count("execution_steps"));
        assertEquals(3, count("events"));
        assertEquals(List.of(pending, scheduled, retrying), ids("select id from trigger_executions where status <> 'running' order by id"));
    }

    @Test
    void youngHistoryStaysAndSoDoesTheOldEventAYoungExecutionRefersTo() {
        long lateDispatched = event("dispatched", OLD);
        execution(lateDispatched, "completed", YOUNG);
        long young = event("failed", YOUNG);
        execution(young, "failed", YOUNG);

        assertEquals(0, await(retention.removeExecutions(MAX_AGE, 100)));
        assertEquals(0, await(retention.removeEvents(MAX_AGE, 100)));
        assertEquals(2, count("trigger_executions"));
        assertEquals(List.of(lateDispatched, young), ids("select id from events order by id"));
    }

    /** A dead letter replayed today after a month ends today: its age is counted from then, not from its creation. */
    @Test
    void anOldExecutionThatEndedJustNowStays() {
        long event = event("dispatched", OLD);
        long replayed = execution(event, "completed", OLD, "now()");
        assertEquals(0, await(retention.removeExecutions(MAX_AGE, 100)));
        assertEquals(0, await(retention.removeEvents(MAX_AGE, 100)));
        assertEquals(List.of(replayed), ids("select id from trigger_executions"));
    }

    /** Each sweep finds its candidates through an index, not a walk of the whole table (none left to find is the common case). */
    @Test
    void theSweepFindsOldRowsThroughIndexes() {
        // oldest first, through the index on created_at (V20: the one on completed_at is BRIN, kept for the rollup)
        String executions = plan(HistoryRetention.EXECUTIONS, "enable_seqscan");
        assertTrue(executions.contains("trigger_executions_created"), executions);
        // "created before the cutoff" has an index of its own (BRIN: bitmap scans only), rather than a walk of the primary key
        String events = plan(HistoryRetention.EVENTS, "enable_seqscan", "enable_indexscan");
        assertTrue(events.contains("events_created_brin"), events);
    }

    /**
     * A long history still waiting to go (retention turned on late): in the plan kept once the
     * statement is prepared (generic: the batch size unknown), each batch is found and deleted by
     * index, never by hashing a whole table first (half a second to a second a batch with a million kept).
     */
    @Test
    void aBacklogIsRemovedBatchByBatchThroughIndexesEvenInAGenericPlan() {
        backlog(100000, OLD);
        db.sql("insert into execution_steps (execution_id, step_index, action_type, status, idempotency_key) select id, 0, 'webhook', 'completed', id || '-0' from trigger_executions");
        db.sql("analyze events, trigger_executions, execution_steps");
        String executions = db.genericPlan(HistoryRetention.EXECUTIONS, "2592000, '{completed}', 1000");
        assertTrue(executions.contains("trigger_executions_created") && executions.contains("execution_steps_pkey")
                && executions.contains("trigger_executions_pkey") && !executions.contains("Hash"), executions);
        String events = db.genericPlan(HistoryRetention.EVENTS, "2592000, '{dispatched}', 1000, '{completed}'");
        assertTrue(events.contains("trigger_executions_once") && !events.contains("Anti Join") && !events.contains("Hash"), events);
    }

    /**
     * Old executions still waiting to go (a backlog, removed a few batches a sweep) hold their events.
     * Once the events they no longer hold are gone, the next batch of events finds nothing, and it
     * finds that without probing each event the backlog still holds (with a million, a second a batch).
     */
    @Test
    void aBatchOfEventsDoesNotProbeTheEventsABacklogOfExecutionsStillHolds() {
        backlog(5000, OLD + " + g * interval '1 millisecond'"); // removed oldest first: in the order of their events
        db.sql("analyze events, trigger_executions");
        assertEquals(1000, await(retention.removeExecutions(MAX_AGE, 1000)));
        assertEquals(1000, await(retention.removeEvents(MAX_AGE, 1000)));

        String plan = db.genericPlan("explain (analyze, costs off, timing off, summary off)", HistoryRetention.EVENTS,
                "2592000, '{dispatched,failed}', 1000, '{completed}'");
        java.util.regex.Matcher probes = java.util.regex.Pattern.compile("trigger_executions_once .*loops=(\\d+)").matcher(plan);
        int most = 0;
        while (probes.find()) {
            most = Math.max(most, Integer.parseInt(probes.group(1)));
        }
        assertEquals(0, most, plan);
        assertEquals(4000, count("events"), "the events the backlog holds stay");
    }

    /** Events 1 to {@code n}, old and dispatched, each with an old completed execution created at {@code createdAt} (SQL; {@code g} is the event's id). */
    void backlog(int n, String createdAt) {
        db.sql("insert into events (id, kind, entity_type, entity_id, source, status, created_at)"
                + " select g, 'updated', 'contact', g::text, 'records', 'dispatched', " + OLD + " from generate_series(1, " + n + ") g");
        db.sql("insert into trigger_executions (trigger_id, trigger_version, event_id, status, created_at, completed_at)"
                + " select 1, 1, g, 'completed', " + createdAt + ", " + OLD + " from generate_series(1, " + n + ") g");
    }

    /**
     * The plan of a sweep statement with a 30-day age, with the {@code off} scan kinds priced out (the few
     * rows of a test would be scanned whole anyway: this asks what the indexes offer).
     */
    String plan(String sql, String... off) {
        String explain = "explain (costs off) " + sql.replace("$1", "2592000").replace("$2", "'{completed,dispatched}'::text[]").replace("$3", "1000")
                .replace("$4", "'{completed}'::text[]");
        String settings = String.join("; ", java.util.Arrays.stream(off).map(o -> "set " + o + " = off").toList());
        return await(db.pool().withConnection(c -> c.query(settings).execute()
                .flatMap(ignored -> c.query(explain).execute())
                .map(rows -> {
                    StringBuilder plan = new StringBuilder();
                    rows.forEach(row -> plan.append(row.getString(0)).append('\n'));
                    return plan.toString();
                })
                .call(ignored -> c.query("reset all").execute())));
    }

    /** An event past the frontier (the oldest execution still waiting to go) waits for the executions before it, then goes. */
    @Test
    void anOldEventPastAnExecutionStillWaitingGoesOnceThatExecutionIsGone() {
        long held = event("dispatched", OLD);
        execution(held, "completed", OLD);
        long unmatched = event("dispatched", OLD);
        assertEquals(0, await(retention.removeEvents(MAX_AGE, 100)), "the backlog of executions goes first");
        assertEquals(1, await(retention.removeExecutions(MAX_AGE, 100)));
        assertEquals(2, await(retention.removeEvents(MAX_AGE, 100)));
        assertEquals(List.of(), ids("select id from events where id in (" + held + ", " + unmatched + ")"));
    }

    @Test
    void anOldFailedEventWithNoExecutionGoes() {
        event("failed", OLD);
        event("dispatched", OLD);
        assertEquals(2, await(retention.removeEvents(MAX_AGE, 100)));
    }

    @Test
    void aBatchRemovesAtMostItsSizeOldestFirst() {
        long event = event("dispatched", OLD);
        List<Long> old = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            old.add(execution(event, "completed", OLD));
        }
        assertEquals(2, await(retention.removeExecutions(MAX_AGE, 2)));
        assertEquals(old.subList(2, 5), ids("select id from trigger_executions order by id"));
        assertEquals(2, await(retention.removeExecutions(MAX_AGE, 2)));
        assertEquals(1, await(retention.removeExecutions(MAX_AGE, 2)));
        assertEquals(0, await(retention.removeExecutions(MAX_AGE, 2)));
    }

    @Test
    void aSweepDrainsBatchesUpToItsBoundAndCountsWhatItRemoved() {
        for (int e = 0; e < 3; e++) {
            long event = event("dispatched", OLD);
            for (int i = 0; i < 2; i++) {
                execution(event, "completed", OLD);
            }
        }
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        RetentionSweep sweep = new RetentionSweep(retention, config(2, 2), meters);

        assertEquals(new RetentionSweep.Removed(4, 2), await(sweep.sweep()), "two batches of two executions, then the two events left without one");
        assertEquals(new RetentionSweep.Removed(2, 1), await(sweep.sweep()));
        assertEquals(new RetentionSweep.Removed(0, 0), await(sweep.sweep()));
        assertEquals(6.0, meters.get("triggerfish.retention.removed").tag("table", "trigger_executions").counter().count());
        assertEquals(3.0, meters.get("triggerfish.retention.removed").tag("table", "events").counter().count());
    }

    long event(String status, String createdAt) {
        return db.row("insert into events (kind, entity_type, entity_id, source, status, created_at) values ('updated', 'contact', '1', 'api', $1, "
                + createdAt + ") returning id", status).getLong("id");
    }

    /** An execution created at {@code createdAt}; one that has ended ended then too. */
    long execution(long event, String status, String createdAt) {
        return execution(event, status, createdAt, createdAt);
    }

    long execution(long event, String status, String createdAt, String completedAt) {
        boolean ended = dev.triggerfish.execution.ExecutionStatus.fromWireName(status).ended();
        return db.row("insert into trigger_executions (trigger_id, trigger_version, event_id, status, created_at, completed_at) values ($1, 1, $2, $3, "
                + createdAt + ", " + (ended ? completedAt : "null") + ") returning id", nextTrigger++, event, status).getLong("id");
    }

    void step(long execution, int index) {
        db.sql("insert into execution_steps (execution_id, step_index, action_type, status, idempotency_key) values ($1, $2, 'webhook', 'completed', 'k')",
                execution, index);
    }

    long count(String table) {
        return db.row("select count(*) as n from " + table).getLong("n");
    }

    List<Long> ids(String sql) {
        List<Long> out = new ArrayList<>();
        db.sql(sql).forEach(row -> out.add(row.getLong("id")));
        return out;
    }

    static RetentionConfig config(int batchSize, int maxBatches) {
        return new RetentionConfig() {
            public boolean enabled() {
                return true;
            }

            public Duration maxAge() {
                return MAX_AGE;
            }

            public Duration interval() {
                return Duration.ofMinutes(1);
            }

            public int batchSize() {
                return batchSize;
            }

            public int maxBatches() {
                return maxBatches;
            }
        };
    }
}
