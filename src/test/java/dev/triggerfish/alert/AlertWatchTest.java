package dev.triggerfish.alert;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.triggerfish.StoreDatabase;
import dev.triggerfish.WebhookSink;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mail.MailConfig;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.mail.MailClient;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static dev.triggerfish.StoreDatabase.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Alerting against real tables, a real HTTP server as the webhook and a real SMTP server: a trigger
 * failing past the threshold, and a late backlog, each notify once when the episode starts and once when
 * it ends, whatever the number of measures or of replicas measuring.
 */
class AlertWatchTest {
    static final String HOOK = "/alerts";
    static Vertx vertx;
    static MailClient mail;
    static GreenMail smtp;
    static WebhookSink sink;

    final StoreDatabase db = StoreDatabase.shared();
    final AlertStore store = new AlertStore(db.pool());

    @BeforeAll
    static void servers() {
        vertx = StoreDatabase.shared().vertx();
        smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        sink = new WebhookSink();
        // one client on the pool's Vert.x, as the service has one mailer on its one Vert.x (a client of another
        // instance, called back on the pool's event loop, now and then never saw the server's answer)
        mail = MailClient.create(vertx, new MailConfig().setHostname("127.0.0.1").setPort(smtp.getSmtp().getPort()));
    }

    @AfterAll
    static void stop() {
        mail.closeAndAwait();
        sink.close();
        smtp.stop();
    }

    @BeforeEach
    void empty() throws Exception {
        db.clear();
        db.sql("truncate event_triggers, alert_episodes");
        smtp.purgeEmailFromAllMailboxes();
        sink.answer(HOOK, 200);
        seen = sink.at(HOOK).size();
    }

    int seen;

    @Test
    void aFailingTriggerNotifiesOnceWhenItStartsAndOnceWhenItEnds() throws Exception {
        long risky = trigger("Risky sync");
        long fewRuns = trigger("Few runs");
        long atThreshold = trigger("At the threshold");
        executions(risky, 9, "completed");
        executions(risky, 3, "failed");
        executions(risky, 5, "skipped"); // never ran: not in the rate
        executions(fewRuns, 5, "failed");
        executions(atThreshold, 18, "completed");
        executions(atThreshold, 2, "failed");
        AlertWatch watch = watch();

        await(watch.watch());
        List<JsonObject> sent = newMessages();
        assertEquals(1, sent.size(), sent.toString());
        JsonObject firing = sent.get(0);
        assertEquals("failure_rate", firing.getString("alert"));
        assertEquals("firing", firing.getString("status"));
        assertEquals(risky, firing.getLong("trigger_id"));
        assertEquals("Risky sync", firing.getString("trigger_name"));
        assertEquals(3, firing.getLong("failed"));
        assertEquals(12, firing.getLong("total"));
        assertEquals(0.25, firing.getDouble("failure_rate"));
        MimeMessage[] mails = smtp.getReceivedMessages();
        assertEquals(1, mails.length);
        assertEquals("[Triggerfish] firing: trigger " + risky + " \"Risky sync\": 3 of 12 executions failed in the last 15 min", mails[0].getSubject());
        assertEquals("ops@crm.example.com", mails[0].getAllRecipients()[0].toString());

        executions(risky, 1, "failed");
        await(watch.watch());
        await(watch.watch());
        assertEquals(List.of(), newMessages(), "one message per episode, not one per failure or per measure");

        db.sql("update trigger_executions set status = 'completed' where trigger_id = $1", risky);
        await(watch.watch());
        List<JsonObject> resolved = newMessages();
        assertEquals(1, resolved.size());
        assertEquals("resolved", resolved.get(0).getString("status"));
        assertEquals(firing.getLong("episode_id"), resolved.get(0).getLong("episode_id"));
        assertEquals(2, smtp.getReceivedMessages().length);
    }

    @Test
    void aLateBacklogOpensAnEpisodeOfItsOwn() {
        long trigger = trigger("Slow");
        db.sql("insert into trigger_executions (trigger_id, trigger_version, event_id, status, next_attempt_at)"
                + " values ($1, 1, 1, 'pending', now() - interval '10 minutes')", trigger);
        AlertWatch watch = watch();

        await(watch.watch());
        List<JsonObject> sent = newMessages();
        assertEquals(1, sent.size(), sent.toString());
        assertEquals("backlog", sent.get(0).getString("alert"));
        assertTrue(sent.get(0).getLong("oldest_seconds") >= 600, sent.get(0).toString());
        assertEquals(300, sent.get(0).getLong("threshold_seconds"));

        db.sql("update trigger_executions set next_attempt_at = now() + interval '1 minute'");
        await(watch.watch());
        assertEquals(List.of("resolved"), newMessages().stream().map(m -> m.getString("status")).toList());
    }

    @Test
    void aMessageTheWebhookRefusedIsSentAgainAtTheNextMeasure() {
        long risky = trigger("Risky");
        executions(risky, 20, "failed");
        AlertWatch watch = watch();
        sink.answer(HOOK, 503);

        await(watch.watch());
        assertEquals(1, newMessages().size(), "tried once");
        sink.answer(HOOK, 200);
        await(watch.watch());
        List<JsonObject> again = newMessages();
        assertEquals(1, again.size());
        assertEquals("firing", again.get(0).getString("status"));
        await(watch.watch());
        assertEquals(List.of(), newMessages());
    }

    @Test
    void replicasMeasuringAtOnceSendEachMessageOnce() {
        long risky = trigger("Risky");
        executions(risky, 20, "failed");
        AlertWatch a = watch();
        AlertWatch b = watch();

        await(Uni.combine().all().unis(a.watch(), b.watch()).discardItems());
        await(Uni.combine().all().unis(a.watch(), b.watch()).discardItems());
        assertEquals(1, newMessages().size());
        assertEquals(1, db.row("select count(*) as n from alert_episodes").getLong("n"));
    }

    AlertWatch watch() {
        AlertConfig config = config(sink.url(HOOK), "ops@crm.example.com");
        return new AlertWatch(store, new AlertNotifier(vertx, mail, config, () -> Duration.ofSeconds(5), "Triggerfish <triggers@crm.example.com>"), config);
    }

    List<JsonObject> newMessages() {
        List<WebhookSink.Received> all = sink.at(HOOK);
        List<JsonObject> out = all.subList(seen, all.size()).stream().map(r -> new JsonObject(r.body())).toList();
        seen = all.size();
        return out;
    }

    long trigger(String name) {
        return db.row("insert into event_triggers (name, trigger_type, definition) values ($1, 'manual', '{}') returning id", name).getLong("id");
    }

    long nextEvent = 1000;

    void executions(long trigger, int n, String status) {
        for (int i = 0; i < n; i++) {
            db.sql("insert into trigger_executions (trigger_id, trigger_version, event_id, status) values ($1, 1, $2, $3)", trigger, nextEvent++, status);
        }
    }

    static AlertConfig config(String webhook, String email) {
        return new AlertConfig() {
            public Optional<String> webhookUrl() {
                return Optional.of(webhook);
            }

            public Optional<String> email() {
                return Optional.of(email);
            }

            public Duration interval() {
                return Duration.ofMinutes(1);
            }

            public Duration window() {
                return Duration.ofMinutes(15);
            }

            public double failureRate() {
                return 0.1;
            }

            public int minExecutions() {
                return 11;
            }

            public Duration backlogAge() {
                return Duration.ofMinutes(5);
            }
        };
    }
}
