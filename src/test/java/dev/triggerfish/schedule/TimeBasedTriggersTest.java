package dev.triggerfish.schedule;

import dev.triggerfish.EndToEnd;
import dev.triggerfish.PostgresResource;
import dev.triggerfish.SmtpResource;
import dev.triggerfish.WebhookSink;
import dev.triggerfish.trigger.Schedule;
import dev.triggerfish.trigger.SpecExamples;
import dev.triggerfish.trigger.TriggerCatalog;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Inject;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.triggerfish.Api.api;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Time-based triggers end to end (issue 11, items 2-7 and 12): slots planned and run by a test clock
 * (the test calls the scheduler's tick with an instant of its own), the spec's two time-based examples
 * as written, a replica that dies mid-scan, catch-up and overlap, backfill, a slot in a DST gap.
 * Every test but the spec's examples uses a record type of its own, so its scans see only its records.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = SmtpResource.class, scope = TestResourceScope.GLOBAL)
class TimeBasedTriggersTest extends EndToEnd {
    private static final Duration TICK = Duration.ofSeconds(60);

    @Inject
    Scheduler scheduler;
    @Inject
    SlotStore slots;
    @Inject
    SlotScan scan;
    @Inject
    TriggerCatalog catalog;
    @Inject
    io.micrometer.core.instrument.MeterRegistry meters;

    /** triggerfish_scheduler_slots_total{outcome} as this replica counted it so far. */
    private double slotsCounted(String outcome) {
        io.micrometer.core.instrument.Counter c = meters.find("triggerfish.scheduler.slots").tag("outcome", outcome).counter();
        return c == null ? 0 : c.count();
    }

    @BeforeEach
    void templates() {
        specTemplates();
    }

    private int tick(Instant at, int trigger) {
        return scheduler.tick(at, List.of((long) trigger)).await().atMost(TICK);
    }

    private Instant createdAt(int trigger) {
        return sql("select created_at from event_triggers where id = $1", (long) trigger).iterator().next().getOffsetDateTime("created_at").toInstant();
    }

    /** The first slot of {@code schedule} after the trigger was created: the one its first tick runs on time. */
    private Instant firstSlot(int trigger, String schedule, String zone) {
        return Schedule.of(schedule, zone).next(createdAt(trigger));
    }

    private List<Map<String, Object>> runs(int trigger) {
        return api().get("/api/event-triggers/" + trigger + "/runs?limit=500").then().statusCode(200).extract().jsonPath().getList("data");
    }

    /** The trigger's executions for these records: entity id to statuses, oldest first. */
    private Map<String, List<String>> executionsOf(int trigger, String... ids) {
        Map<String, List<String>> out = new TreeMap<>();
        for (Row row : sql("select entity_id, status from trigger_executions where trigger_id = $1 and entity_id = any($2) order by id",
                (long) trigger, ids)) {
            out.computeIfAbsent(row.getString("entity_id"), k -> new ArrayList<>()).add(row.getString("status"));
        }
        return out;
    }

    private void awaitEnded(int trigger, String... ids) {
        await().atMost(DEADLINE).until(() -> executionsOf(trigger, ids).values().stream().flatMap(List::stream)
                .noneMatch(s -> List.of("pending", "scheduled", "running", "retrying").contains(s)));
    }

    private void stale(String type, String id, int days) {
        sql("update crm_records set updated_at = now() - make_interval(days => $3) where type = $1 and id = $2", type, id, days);
    }

    @Test
    void theStalledDealDailyReminderEmailsTheAssignedUserOfEachStalledDealOnly() throws Exception {
        String u = uid();
        String rep = "rep-" + u;
        user(rep);
        int trigger = trigger(SpecExamples.text("03-stalled-deal-daily-reminder"));
        record("deals", "id", "stalled-" + u, "name", "Stalled " + u, "stage", "proposal", "assigned_to", rep);
        record("deals", "id", "moving-" + u, "name", "Moving " + u, "stage", "proposal", "assigned_to", rep);
        record("deals", "id", "won-" + u, "name", "Won " + u, "stage", "won", "assigned_to", rep);
        record("contacts", "id", "quiet-" + u, "name", "Quiet " + u, "assigned_to", rep);
        stale("deal", "stalled-" + u, 10);
        stale("deal", "won-" + u, 10);
        stale("contact", "quiet-" + u, 10); // no stage: not_in is false on a missing field, so no contact is a stalled deal

        Instant slot = firstSlot(trigger, "daily", null);
        assertEquals(1, tick(slot.plusSeconds(30), trigger));

        String[] mine = {"stalled-" + u, "moving-" + u, "won-" + u, "quiet-" + u};
        awaitEnded(trigger, mine);
        assertEquals(Map.of("stalled-" + u, List.of("completed")), executionsOf(trigger, mine));
        List<MimeMessage> mail = received(rep + "@example.com");
        assertEquals(1, mail.size());
        assertEquals("Deal Stalled " + u + " has stalled", mail.get(0).getSubject());

        Map<String, Object> run = runs(trigger).get(0);
        assertEquals(slot.toString(), run.get("slot_at"));
        assertEquals("completed", run.get("status"));
        assertTrue(((Number) run.get("matched")).intValue() >= 1, run.toString());
        assertEquals(((Number) run.get("matched")).intValue(), ((Number) run.get("executions_created")).intValue(), run.toString());
        // the next tick at the same time plans and runs nothing: the slot ran once
        assertEquals(0, tick(slot.plusSeconds(40), trigger));
    }

    @Test
    void theDealRiskAlertSystemFlagsPostsAndTasksEachQuietDealInProposalOrNegotiation() {
        String u = uid();
        user("rep-" + u);
        record("companies", "id", "acme-" + u, "name", "Acme " + u);
        String old = Instant.now().minus(Duration.ofDays(9)).toString();
        String recent = Instant.now().minus(Duration.ofDays(1)).toString();
        record("deals", "id", "quiet-" + u, "name", "Quiet " + u, "stage", "negotiation", "last_activity_date", old, "company_id", "acme-" + u,
                "assigned_to", "rep-" + u);
        record("deals", "id", "busy-" + u, "name", "Busy " + u, "stage", "negotiation", "last_activity_date", recent, "company_id", "acme-" + u);
        record("deals", "id", "early-" + u, "name", "Early " + u, "stage", "discovery", "last_activity_date", old);
        int trigger = trigger("06-deal-risk-alert-system", "/risk-" + u);

        assertEquals(1, tick(firstSlot(trigger, "daily", null).plusSeconds(5), trigger));

        String[] mine = {"quiet-" + u, "busy-" + u, "early-" + u};
        awaitEnded(trigger, mine);
        assertEquals(Map.of("quiet-" + u, List.of("completed")), executionsOf(trigger, mine));
        assertEquals("high", recordOf("deals", "quiet-" + u).getString("risk_level"));
        assertNull(recordOf("deals", "busy-" + u).getString("risk_level"));
        List<WebhookSink.Received> posts = sink.at("/risk-" + u);
        assertEquals(1, posts.size());
        assertTrue(posts.get(0).body().contains("Deal Quiet " + u + " at Acme " + u + " shows high risk"), posts.get(0).body());
        assertEquals(1, sql("select count(*) as n from crm_records where type = 'task' and attributes ->> 'title' = 'URGENT: Re-engage stalled deal'"
                + " and attributes ->> 'description' = $1", "Deal Quiet " + u + " has been inactive for over 5 days").iterator().next().getLong("n"));
    }

    private int scoreTrigger(String type, String schedule, String extra, String sinkPath) {
        return trigger("""
                {"name": "score scan %s", "trigger_type": "time_based", "model_type": "%s",
                 "trigger_conditions": [{"field": "score", "operator": "greater_than", "value": 50}],
                 "action_configuration": {"schedule": "%s"%s,
                   "actions": [{"type": "webhook", "url": "%s", "body": {"id": "{{entity_id}}"}}]}}"""
                .formatted(type, type, schedule, extra, sink.url(sinkPath)));
    }

    @Test
    void aReplicaKilledMidScanLeavesTheSlotToAnotherThatResumesFromTheCheckpoint() {
        String type = "scan" + uid();
        List<String> matching = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            record(type, "id", String.format("m%02d", i), "score", 60 + i);
            matching.add(String.format("m%02d", i));
        }
        for (int i = 0; i < 5; i++) {
            record(type, "id", "n" + i, "score", 10);
        }
        int trigger = scoreTrigger(type, "hourly", "", "/scan-" + type);
        Instant at = firstSlot(trigger, "hourly", null).plusSeconds(1);
        Long[] only = {(long) trigger};

        // replica A plans, claims the slot and commits one page (10 records), then dies
        scheduler.plan(at, only).await().atMost(TICK);
        ClaimedSlot claimed = slots.claim("replica-a", Duration.ofMinutes(5), at, only).await().atMost(TICK);
        ClaimedSlot afterFirstPage = scan.scan("replica-a", claimed, catalog.get(trigger), 1).await().atMost(TICK);
        assertEquals("m09", afterFirstPage.afterId());
        // its lease runs out (the database's clock, moved by SQL rather than waited for)
        sql("update schedule_slots set lease_until = now() - interval '1 second' where id = $1", claimed.id());

        // replica B takes the slot over and resumes after m09
        assertEquals(1, scheduler.tick("replica-b", at, List.of((long) trigger)).await().atMost(TICK));
        // A comes back and commits the page it had in hand: refused, and nothing is created
        assertThrows(LostSlot.class, () -> scan.scan("replica-a", afterFirstPage, catalog.get(trigger), 1).await().atMost(TICK));

        Map<String, Object> run = runs(trigger).get(0);
        assertEquals("completed", run.get("status"));
        assertEquals(25, ((Number) run.get("matched")).intValue());
        assertEquals(25, ((Number) run.get("executions_created")).intValue());
        assertEquals(3, ((Number) run.get("pages")).intValue()); // 10 by A, 10 + 5 by B: none scanned twice
        Map<String, List<String>> executions = executionsOf(trigger, matching.toArray(String[]::new));
        assertEquals(matching, new ArrayList<>(executions.keySet()));
        executions.values().forEach(statuses -> assertEquals(1, statuses.size(), executions.toString()));
        await().atMost(DEADLINE).until(() -> sink.at("/scan-" + type).size() >= 25);
        List<String> posted = sink.at("/scan-" + type).stream().map(r -> JsonPath.from(r.body()).getString("id")).sorted().toList();
        assertEquals(matching, posted);
    }

    @Test
    void missedSlotsFollowCatchUpLastAllOrNoneAndEverySkippedSlotSaysWhy() {
        for (String policy : List.of("last", "all", "none")) {
            String type = "miss" + uid();
            record(type, "id", "r1", "score", 99);
            int trigger = scoreTrigger(type, "hourly", ", \"catch_up\": \"" + policy + "\", \"overlap\": \"allow\"", "/miss-" + type);
            List<Instant> hours = Schedule.of("hourly", null).between(createdAt(trigger), createdAt(trigger).plus(Duration.ofHours(6)), 6);
            // five slots passed while no scheduler ran; it comes back ten minutes after the fifth
            double run = slotsCounted("run");
            double skipped = slotsCounted("skipped");
            double late = slotsCounted("late");
            tick(hours.get(4).plus(Duration.ofMinutes(10)), trigger);

            List<Map<String, Object>> runs = runs(trigger);
            assertEquals(5, runs.size(), policy + ": " + runs);
            List<String> statuses = runs.stream().map(r -> (String) r.get("status")).toList();
            if (policy.equals("last")) {
                assertEquals(List.of("completed", "skipped", "skipped", "skipped", "skipped"), statuses, policy);
                assertEquals(hours.get(4).toString(), runs.get(0).get("slot_at"));
            } else if (policy.equals("all")) {
                assertEquals(List.of("completed", "completed", "completed", "completed", "completed"), statuses, policy);
            } else {
                assertEquals(List.of("skipped", "skipped", "skipped", "skipped", "skipped"), statuses, policy);
            }
            runs.stream().filter(r -> "skipped".equals(r.get("status")))
                    .forEach(r -> assertTrue(String.valueOf(r.get("reason")).startsWith("missed (catch_up: " + policy + ")"), r.toString()));
            long ran = statuses.stream().filter("completed"::equals).count();
            assertEquals(ran, sql("select count(*) as n from trigger_executions where trigger_id = $1", (long) trigger).iterator().next().getLong("n"));
            assertEquals(ran, slotsCounted("run") - run, policy + ": slots run, in the metrics");
            assertEquals(5 - ran, slotsCounted("skipped") - skipped, policy + ": slots skipped, in the metrics");
            assertEquals(ran, slotsCounted("late") - late, policy + ": each ran ten minutes or more after its time, past the 5 min grace");

            // with none, a slot planned on time still runs
            if (policy.equals("none")) {
                tick(hours.get(5).plusSeconds(30), trigger);
                assertEquals("completed", runs(trigger).get(0).get("status"));
            }
        }
    }

    @Test
    void overlapSkipCreatesASkippedExecutionWhileTheEarlierOneHasNotFinishedAndAllowRunsAnyway() {
        for (String policy : List.of("skip", "allow")) {
            String type = "lap" + uid();
            record(type, "id", "r1", "score", 99);
            // delay_minutes keeps the first slot's execution scheduled (unfinished) for an hour
            int trigger = trigger("""
                    {"name": "overlap", "trigger_type": "time_based", "model_type": "%s", "delay_minutes": 60,
                     "trigger_conditions": [{"field": "score", "operator": "greater_than", "value": 50}],
                     "action_configuration": {"schedule": "every_15_minutes", "overlap": "%s", "actions": [{"type": "add_tag", "tag": "seen"}]}}"""
                    .formatted(type, policy));
            Instant first = firstSlot(trigger, "every_15_minutes", null);
            tick(first.plusSeconds(5), trigger);
            tick(first.plus(Duration.ofMinutes(15)).plusSeconds(5), trigger);

            List<Row> executions = new ArrayList<>();
            sql("select status, error from trigger_executions where trigger_id = $1 order by id", (long) trigger).forEach(executions::add);
            assertEquals(2, executions.size(), policy);
            assertEquals("scheduled", executions.get(0).getString("status"));
            if (policy.equals("skip")) {
                assertEquals("skipped", executions.get(1).getString("status"));
                assertTrue(executions.get(1).getString("error").contains("from the previous slot has not finished"), executions.get(1).getString("error"));
                assertEquals(1, ((Number) runs(trigger).get(0).get("skipped_overlap")).intValue());
            } else {
                assertEquals("scheduled", executions.get(1).getString("status"));
            }
        }
    }

    @Test
    void aBackfillRunsThePastSlotsWithRelativeDatesAtEachSlotsTimeAndTwiceCreatesNothing() {
        String type = "fill" + uid();
        Instant now = Instant.now();
        Instant renewal = now.minus(Duration.ofDays(10));
        record(type, "id", "lapsed", "renewal_date", renewal.toString());
        record(type, "id", "recent", "renewal_date", now.minus(Duration.ofDays(3)).toString());
        int trigger = trigger("""
                {"name": "backfill", "trigger_type": "time_based", "model_type": "%s",
                 "trigger_conditions": [{"field": "renewal_date", "operator": "less_than", "value": "5 days ago"}],
                 "action_configuration": {"schedule": "daily", "overlap": "allow", "actions": [{"type": "add_tag", "tag": "lapsed"}]}}"""
                .formatted(type));
        Instant from = now.minus(Duration.ofDays(8));
        Instant to = now.minus(Duration.ofHours(1));
        List<Instant> days = Schedule.of("daily", null).between(from, to, 100);
        // at a slot, '5 days ago' is the slot's time minus 5 days: 'lapsed' matches only from renewal + 5 days on; 'recent' in none
        long expected = days.stream().filter(day -> renewal.isBefore(day.minus(Duration.ofDays(5)))).count();
        assertTrue(expected > 0 && expected < days.size(), days + " " + expected);

        JsonPath first = api().body(Map.of("from", from.toString(), "to", to.toString())).post("/api/event-triggers/" + trigger + "/backfill")
                .then().statusCode(202).extract().jsonPath();
        assertEquals(days.size(), first.getInt("slots"));
        assertEquals(days.size(), first.getInt("created"));
        tick(now, trigger);
        assertEquals(Map.of("lapsed", java.util.Collections.nCopies((int) expected, "completed")), awaitedExecutions(trigger));
        assertTrue(runs(trigger).stream().allMatch(r -> "backfill".equals(r.get("origin")) && "completed".equals(r.get("status"))));

        JsonPath second = api().body(Map.of("from", from.toString(), "to", to.toString())).post("/api/event-triggers/" + trigger + "/backfill")
                .then().statusCode(202).extract().jsonPath();
        assertEquals(0, second.getInt("created"));
        assertEquals(days.size(), second.getInt("already_recorded"));
        tick(now, trigger);
        assertEquals(expected, awaitedExecutions(trigger).get("lapsed").size());

        api().body(Map.of("from", from.toString(), "to", now.plus(Duration.ofDays(1)).toString())).post("/api/event-triggers/" + trigger + "/backfill")
                .then().statusCode(422).body("errors[0].path", org.hamcrest.Matchers.equalTo("to"));
    }

    private Map<String, List<String>> awaitedExecutions(int trigger) {
        awaitEnded(trigger, "lapsed", "recent");
        return executionsOf(trigger, "lapsed", "recent");
    }

    @Test
    void aSlotInTheDstGapRunsOnceAtTheEndOfTheGap() {
        String type = "gap" + uid();
        record(type, "id", "r1", "score", 99);
        int trigger = scoreTrigger(type, "30 2 * * *", ", \"timezone\": \"Europe/Berlin\"", "/gap-" + type);
        // 02:30 does not exist in Berlin on Sunday 2027-03-28 (02:00 +01:00 becomes 03:00 +02:00): the slot runs at 03:00, 01:00 UTC
        Instant gapEnd = Instant.parse("2027-03-28T01:00:00Z");
        tick(gapEnd.plusSeconds(10), trigger);
        tick(gapEnd.plus(Duration.ofMinutes(40)), trigger); // 03:40 in Berlin: nothing more that day

        List<Map<String, Object>> runs = runs(trigger);
        assertEquals(gapEnd.toString(), runs.get(0).get("slot_at"));
        assertEquals("completed", runs.get(0).get("status"));
        assertEquals("2027-03-27T01:30:00Z", runs.get(1).get("slot_at")); // the day before, 02:30 +01:00
        assertEquals(1, sql("select count(*) as n from trigger_executions where trigger_id = $1", (long) trigger).iterator().next().getLong("n"));
    }

    @Test
    void runsOfAnUnknownTriggerAre404() {
        api().get("/api/event-triggers/987654321/runs").then().statusCode(404);
    }

    private static List<MimeMessage> received(String address) {
        return Arrays.stream(SmtpResource.server().getReceivedMessages()).filter(m -> {
            try {
                return Arrays.stream(m.getRecipients(Message.RecipientType.TO)).anyMatch(a -> a.toString().equals(address));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }).toList();
    }
}
