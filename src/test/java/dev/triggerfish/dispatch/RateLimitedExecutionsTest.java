package dev.triggerfish.dispatch;

import dev.triggerfish.EndToEnd;
import dev.triggerfish.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import dev.triggerfish.execution.Runner;
import dev.triggerfish.execution.RunnerConfig;
import dev.triggerfish.Api;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.inject.Inject;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.triggerfish.Api.api;
import static dev.triggerfish.JsonFixtures.createdBatch;
import static dev.triggerfish.JsonFixtures.json;
import static dev.triggerfish.JsonFixtures.object;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rate limits end to end: the window each execution hit, bursts, deferral, and exact counts under concurrent intake. */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class RateLimitedExecutionsTest extends EndToEnd {
    /** A trigger on created {@code type} records, limited by {@code rateLimiting}, that calls the sink's /limited/{type}. */
    int limitedTrigger(String type, Map<String, Object> rateLimiting) {
        return trigger(json("name", "limited", "trigger_type", "model_created", "model_type", type, "rate_limiting", rateLimiting,
                "action_configuration", object("actions", List.of(object("type", "webhook", "url", sink.url("/limited/" + type))))));
    }

    @Test
    void executionsOverTheRateLimitAreRecordedWithTheWindowTheyHit() {
        String type = "Limited" + uid().replace("-", "");
        int trigger = limitedTrigger(type, object("limit", 2, "period", "hour"));
        api().body(createdBatch(type, 0, 5, false)).post("/api/events").then().statusCode(202);
        awaitFinished(trigger, 5);
        List<String> statuses = executions(trigger).getList("data.status");
        assertEquals(2, statuses.stream().filter("completed"::equals).count(), statuses.toString());
        assertEquals(3, statuses.stream().filter("rate_limited"::equals).count(), statuses.toString());
        JsonPath limited = executions(trigger);
        int index = limited.getList("data.status").indexOf("rate_limited");
        assertTrue(limited.getString("data[" + index + "].rate_limited_window").startsWith("sliding hour from "));
        assertTrue(limited.getString("data[" + index + "].error").startsWith("rate limit reached"));
        assertEquals(2, sink.at("/limited/" + type).size());
        // through the record store (the claim path) the same window applies
        record(type, "id", "r1");
        awaitFinished(trigger, 6);
        assertEquals("rate_limited", executions(trigger).getString("data[0].status"));
    }

    @Test
    void burstLimitAndDeferral() {
        String type = "Burst" + uid().replace("-", "");
        int burst = limitedTrigger(type, object("limit", 10, "period", "hour", "burst_limit", 3));
        api().body(createdBatch(type, 0, 5, false)).post("/api/events").then().statusCode(202);
        awaitFinished(burst, 5);
        assertEquals(3, executions(burst).getList("data.status").stream().filter("completed"::equals).count());

        String deferredType = "Defer" + uid().replace("-", "");
        int deferred = limitedTrigger(deferredType, object("limit", 1, "period", "day", "reset_strategy", "fixed", "on_limit", "defer"));
        api().body(createdBatch(deferredType, 0, 3, false)).post("/api/events").then().statusCode(202);
        await().atMost(DEADLINE).until(() -> executions(deferred).getList("data.status").stream().filter("scheduled"::equals).count() == 2
                && executions(deferred).getList("data.status").contains("completed"));
        String tomorrow = OffsetDateTime.now(java.time.ZoneOffset.UTC).toLocalDate().plusDays(1) + "T00:00Z";
        JsonPath list = executions(deferred);
        int index = list.getList("data.status").indexOf("scheduled");
        assertEquals(OffsetDateTime.parse(tomorrow).toInstant(), OffsetDateTime.parse(list.getString("data[" + index + "].next_attempt_at")).toInstant());
    }

    /** Sixteen single-event POSTs for {@code type}, eight at a time, each accepted. */
    private void sixteenEventsAtOnce(String type) throws Exception {
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                int n = i;
                calls.add(threads.submit(() -> api().body(createdBatch(type, n, n + 1, false)).post("/api/events").statusCode()));
            }
            for (java.util.concurrent.Future<Integer> call : calls) {
                assertEquals(202, call.get());
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void theRateLimitIsExactUnderConcurrentIntake() throws Exception {
        String type = "Exact" + uid().replace("-", "");
        int trigger = limitedTrigger(type, object("limit", 4, "period", "minute"));
        sixteenEventsAtOnce(type);
        awaitFinished(trigger, 16);
        assertEquals(4, executions(trigger).getList("data.status").stream().filter("completed"::equals).count());
        assertEquals(4, sink.at("/limited/" + type).size());
    }

    @Test
    void theCountIsExactUnderConcurrentIntakeWhenTheBurstBucketIsLarger() throws Exception {
        // burst 100 > limit 4: the window's count alone must hold the other 12 back, however the admissions interleave
        String type = "Counted" + uid().replace("-", "");
        int trigger = limitedTrigger(type, object("limit", 4, "period", "minute", "burst_limit", 100));
        sixteenEventsAtOnce(type);
        awaitFinished(trigger, 16);
        assertEquals(4, executions(trigger).getList("data.status").stream().filter("completed"::equals).count());
        assertEquals(4, sink.at("/limited/" + type).size());
    }

    @Test
    void theLimitHoldsForTheWindowWhenItsExecutionsAreDeleted() {
        String type = "Purged" + uid().replace("-", "");
        // a burst bucket larger than the limit: the count alone holds the third execution back
        int trigger = limitedTrigger(type, object("limit", 2, "period", "hour", "burst_limit", 10));
        api().body(createdBatch(type, 0, 2, false)).post("/api/events").then().statusCode(202);
        awaitFinished(trigger, 2);
        assertEquals(List.of("completed", "completed"), executions(trigger).getList("data.status"));
        // the history is pruned: the admissions of the window are counted apart from it
        sql("with gone as (delete from trigger_executions where trigger_id = $1 returning id)"
                        + " delete from execution_steps where execution_id in (select id from gone)", (long) trigger);
        api().body(createdBatch(type, 2, 3, false)).post("/api/events").then().statusCode(202);
        awaitFinished(trigger, 1);
        assertEquals("rate_limited", executions(trigger).getString("data[0].status"));
        assertEquals(2, sink.at("/limited/" + type).size());
    }

    @Test
    void manualRunsAndReplaysCountTowardsTheLimitWithoutPassingThroughIt() {
        String type = "Manual" + uid().replace("-", "");
        int trigger = limitedTrigger(type, object("limit", 2, "period", "hour"));
        // a manual run is not limited, but it is one of the window's executions
        api().body(Map.of("entity_id", 1)).post("/api/event-triggers/" + trigger + "/execute").then().statusCode(202);
        awaitFinished(trigger, 1);
        api().body(createdBatch(type, 2, 4, false)).post("/api/events").then().statusCode(202);
        awaitFinished(trigger, 3);
        List<String> statuses = executions(trigger).getList("data.status");
        assertEquals(2, statuses.stream().filter("completed"::equals).count(), statuses.toString());
        assertEquals(1, statuses.stream().filter("rate_limited"::equals).count(), statuses.toString());
        // replaying the rate-limited one runs it, and it then counts too: the window holds 3
        api().body(Map.of()).post("/api/event-triggers/" + trigger + "/executions/retry").then().statusCode(200).body("replayed", equalTo(1));
        await().atMost(DEADLINE).until(() -> executions(trigger).getList("data.status").stream().filter("completed"::equals).count() == 3);
        long counted = sql("select coalesce(sum(admitted), 0) from rate_limit_buckets where trigger_id = $1", (long) trigger)
                .iterator().next().getLong(0);
        assertEquals(3, counted);
    }

    @Test
    void aCancelledExecutionGivesItsPlaceInTheWindowBack() {
        String type = "Freed" + uid().replace("-", "");
        int trigger = limitedTrigger(type, object("limit", 1, "period", "hour", "burst_limit", 10));
        api().body(createdBatch(type, 0, 1, false)).post("/api/events").then().statusCode(202);
        awaitFinished(trigger, 1);
        // as the runner ends an execution whose trigger was deactivated before it ran
        sql("update trigger_executions set status = 'cancelled' where trigger_id = $1", (long) trigger);
        api().body(createdBatch(type, 1, 2, false)).post("/api/events").then().statusCode(202);
        awaitFinished(trigger, 2);
        assertEquals("completed", executions(trigger).getString("data[0].status"));
        api().body(createdBatch(type, 2, 3, false)).post("/api/events").then().statusCode(202);
        awaitFinished(trigger, 3);
        assertEquals("rate_limited", executions(trigger).getString("data[0].status"));
    }

    @Inject
    Runner runner;
    @Inject
    RunnerConfig runnerConfig;

    @Test
    void aRateLimitedPostWhoseClientGoesAwayMidTransactionStillRunsItsExecutionsAndGivesBackItsRunnerRoom() throws Exception {
        String type = "Gone" + uid().replace("-", "");
        int trigger = limitedTrigger(type, object("limit", 1000, "period", "hour"));
        api().body(createdBatch(type, 0, 1, false)).post("/api/events").then().statusCode(202); // its rate_limit_state row now exists
        awaitFinished(trigger, 1);
        SqlConnection holder = pool.getConnection().await().atMost(DEADLINE);
        try {
            holder.query("begin").execute().await().atMost(DEADLINE);
            holder.query("select 1 from rate_limit_state where trigger_id = " + trigger + " for update").execute().await().atMost(DEADLINE);
            String body = createdBatch(type, 1, 51, false); // records 1 to 50
            try (Socket client = new Socket("127.0.0.1", io.restassured.RestAssured.port)) {
                client.getOutputStream().write(("POST /api/events HTTP/1.1\r\nHost: localhost\r\nX-API-Key: " + Api.KEY
                        + "\r\nContent-Type: application/json\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length
                        + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
                // the POST holds runner slots for its 50 events while its transaction waits for the limit's row lock
                await().atMost(DEADLINE).until(() -> sql("select count(*) as n from pg_stat_activity where wait_event_type = 'Lock'")
                        .iterator().next().getLong("n") > 0);
            } // the client goes away: Quarkus cancels the request, the transaction goes on
        } finally {
            holder.query("rollback").execute().await().atMost(DEADLINE);
            holder.close().await().atMost(DEADLINE);
        }
        // the transaction committed: its executions run now (not a lease later), and their runner slots come back
        await().atMost(DEADLINE).until(() -> sink.at("/limited/" + type).size() == 51);
        int all = runnerConfig.concurrency();
        await().atMost(DEADLINE).until(() -> {
            int reserved = runner.reserve(all);
            runner.release(reserved);
            return reserved == all;
        });
    }
}
