package dev.triggerfish.alert;

import dev.triggerfish.event.EventStatus;
import dev.triggerfish.execution.ExecutionStatus;
import dev.triggerfish.execution.ExecutionStore;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The measures behind alerts, and the episodes they open and close. Every replica measures; the unique
 * open episode per (kind, subject) of V18 makes opening idempotent, and a notification is claimed by one
 * replica ({@code FOR UPDATE SKIP LOCKED}) before it is sent, so it goes out once per episode.
 */
@ApplicationScoped
public class AlertStore {
    /**
     * Triggers whose executions created within the window failed too often, among those that ran to an end
     * (completed or failed: skipped and rate-limited ones never ran). Served by trigger_executions_history
     * (trigger_id, created_at) for each trigger.
     */
    private static final String FAILING = """
            select t.id, t.name, count(*) as total, count(*) filter (where x.status = $2) as failed
            from event_triggers t join trigger_executions x on x.trigger_id = t.id
            where x.created_at > now() - make_interval(secs => $1) and x.status = any($3)
            group by t.id, t.name
            having count(*) >= $4 and count(*) filter (where x.status = $2) > $5::float8 * count(*)
            order by t.id""";

    /**
     * Seconds the oldest waiting work has waited: a due execution (the queue's index execution_queue_due,
     * V20) or a new event (events_new, in id order).
     */
    private static final String BACKLOG_AGE = """
            select greatest(
                extract(epoch from now() - (%s)),
                (select extract(epoch from now() - created_at) from events where status = %s order by id limit 1)) as seconds"""
            .formatted(ExecutionStore.OLDEST_DUE_AT, EventStatus.NEW.sqlLiteral());

    private static final String OPEN = """
            insert into alert_episodes (kind, subject, detail)
            select * from unnest($1::text[], $2::text[], $3::jsonb[])
            on conflict (kind, subject) where closed_at is null do nothing""";

    private static final String CLOSE = """
            update alert_episodes set closed_at = now()
            where closed_at is null and not (kind || ':' || subject = any($1))""";

    private static final String EPISODE = "id, kind, subject, detail, opened_at, closed_at";

    private static final String CLAIM_OPENED = """
            update alert_episodes set notified_at = now()
            where id in (select id from alert_episodes where notified_at is null order by id for update skip locked)
            returning\s""" + EPISODE;

    private static final String CLAIM_CLOSED = """
            update alert_episodes set resolved_notified_at = now()
            where id in (select id from alert_episodes
                         where closed_at is not null and notified_at is not null and resolved_notified_at is null
                         order by id for update skip locked)
            returning\s""" + EPISODE;

    private final Pool pool;

    public AlertStore(Pool pool) {
        this.pool = pool;
    }

    /** The triggers failing past {@code rate} over {@code window}, with at least {@code minimum} ended executions. */
    public Uni<List<Breach>> failingTriggers(Duration window, double rate, int minimum) {
        String[] ran = ExecutionStatus.wireNames(java.util.EnumSet.of(ExecutionStatus.COMPLETED, ExecutionStatus.FAILED));
        return pool.preparedQuery(FAILING)
                .execute(Tuple.of(window.toMillis() / 1000.0, ExecutionStatus.FAILED.wireName(), ran, minimum, rate))
                .map(rows -> {
                    List<Breach> out = new ArrayList<>();
                    for (Row row : rows) {
                        long total = row.getLong("total");
                        long failed = row.getLong("failed");
                        out.add(new Breach(Breach.FAILURE_RATE, Long.toString(row.getLong("id")), new JsonObject()
                                .put("trigger_id", row.getLong("id")).put("trigger_name", row.getString("name"))
                                .put("failed", failed).put("total", total)
                                .put("failure_rate", Math.round(1000.0 * failed / total) / 1000.0)
                                .put("window_seconds", window.toSeconds())));
                    }
                    return out;
                });
    }

    /** Seconds the oldest waiting event or due execution has waited (0 with none). */
    public Uni<Long> backlogAgeSeconds() {
        return pool.query(BACKLOG_AGE).execute().map(rows -> {
            Double seconds = rows.iterator().next().getDouble("seconds");
            return seconds == null ? 0L : Math.max(0L, (long) Math.floor(seconds));
        });
    }

    /** Opens an episode for each breach that has none open, and closes the open ones no breach names any more. */
    public Uni<Void> reconcile(List<Breach> breaches) {
        String[] kinds = breaches.stream().map(Breach::kind).toArray(String[]::new);
        String[] subjects = breaches.stream().map(Breach::subject).toArray(String[]::new);
        JsonObject[] details = breaches.stream().map(Breach::detail).toArray(JsonObject[]::new);
        String[] names = breaches.stream().map(b -> b.kind() + ":" + b.subject()).toArray(String[]::new);
        return pool.withTransaction(tx -> tx.preparedQuery(OPEN).execute(Tuple.of(kinds, subjects, details))
                .flatMap(ignored -> tx.preparedQuery(CLOSE).execute(Tuple.of((Object) names))))
                .replaceWithVoid();
    }

    /** Claims the episodes whose opening was not notified yet: this replica sends them. */
    public Uni<List<Episode>> claimOpened() {
        return pool.query(CLAIM_OPENED).execute().map(AlertStore::episodes);
    }

    /** Claims the closed episodes whose end was not notified yet. */
    public Uni<List<Episode>> claimClosed() {
        return pool.query(CLAIM_CLOSED).execute().map(AlertStore::episodes);
    }

    /** Gives a claimed notification back (it could not be sent): the next measure sends it again. */
    public Uni<Void> unclaim(Episode episode, boolean opening) {
        String column = opening ? "notified_at" : "resolved_notified_at";
        return pool.preparedQuery("update alert_episodes set " + column + " = null where id = $1")
                .execute(Tuple.of(episode.id())).replaceWithVoid();
    }

    private static List<Episode> episodes(RowSet<Row> rows) {
        List<Episode> out = new ArrayList<>();
        for (Row row : rows) {
            out.add(new Episode(row.getLong("id"), row.getString("kind"), row.getString("subject"),
                    (JsonObject) row.getValue("detail"), row.getOffsetDateTime("opened_at"), row.getOffsetDateTime("closed_at")));
        }
        out.sort(java.util.Comparator.comparingLong(Episode::id));
        return out;
    }
}
