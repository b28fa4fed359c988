package dev.triggerfish.cadence;

import dev.triggerfish.condition.RelationResolver;
import dev.triggerfish.crm.CrmRecord;
import dev.triggerfish.crm.RecordRelations;
import dev.triggerfish.crm.RecordStore;
import dev.triggerfish.event.EventStore;
import dev.triggerfish.event.NewEvent;
import dev.triggerfish.execution.ChildExecution;
import dev.triggerfish.execution.ExecutionStore;
import dev.triggerfish.workflow.Definition;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs the cadences' due steps. Each due enrolment, in one transaction with the others of its batch:
 * its record is read as stored now and checked against the cadence's exit conditions; then it ends
 * (record deleted, conditions met), or its step becomes an execution (a {@link ChildExecution} running
 * that step's one action, with the step records, retries and fault tolerance of any action) and the
 * enrolment moves on to its next step and time. Replicas split the due rows with {@code skip locked}.
 *
 * <p>{@link #runDue} takes the instant it runs at: the schedule passes none, and the database's clock
 * decides what is due; a test passes its own, to run a step due in two days now.
 */
@ApplicationScoped
public class CadenceClock {
    private static final Logger LOG = Logger.getLogger(CadenceClock.class);
    static final String SOURCE = "cadence";

    private final Enrolments enrolments;
    private final Cadences cadences;
    private final RecordStore records;
    private final RecordRelations relations;
    private final EventStore events;
    private final ExecutionStore executions;
    private final Pool pool;
    private final CadenceConfig config;

    public CadenceClock(Enrolments enrolments, Cadences cadences, RecordStore records, RecordRelations relations, EventStore events,
                        ExecutionStore executions, Pool pool, CadenceConfig config) {
        this.enrolments = enrolments;
        this.cadences = cadences;
        this.records = records;
        this.relations = relations;
        this.events = events;
        this.executions = executions;
        this.pool = pool;
        this.config = config;
    }

    @Scheduled(every = "${triggerfish.cadence.poll-interval}", delayed = "2s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scan() {
        if (!config.enabled()) {
            return Uni.createFrom().voidItem();
        }
        return runDue(null)
                .onFailure().invoke(e -> LOG.warnf("cadence steps not run this time (the next scan tries again): %s", e.toString()))
                .onFailure().recoverWithItem(0)
                .replaceWithVoid();
    }

    /**
     * Runs one batch of the steps due at {@code at} (null: now by the database's clock); answers how many
     * enrolments it moved on or ended.
     */
    public Uni<Integer> runDue(OffsetDateTime at) {
        return pool.withTransaction(tx -> enrolments.takeDue(tx, at, config.batchSize())
                .flatMap(due -> due.isEmpty() ? Uni.createFrom().item(0) : run(tx, due, at)));
    }

    private Uni<Integer> run(SqlClient tx, List<Enrolments.DueEnrolment> due, OffsetDateTime at) {
        Set<Long> ids = new HashSet<>();
        due.forEach(d -> ids.add(d.cadenceId()));
        Map<Long, Cadence> byId = new HashMap<>();
        Uni<Void> loaded = Uni.createFrom().voidItem();
        for (long id : ids) {
            loaded = loaded.flatMap(ignored -> cadences.find(tx, id).invoke(definition -> remember(byId, id, definition)).replaceWithVoid());
        }
        List<String[]> keys = due.stream().map(d -> new String[] {d.entityType(), d.entityId()}).toList();
        return loaded
                .flatMap(ignored -> records.findAll(tx, keys))
                .flatMap(found -> resolver(byId, found).flatMap(resolver -> {
                    long now = at == null ? System.currentTimeMillis() : at.toInstant().toEpochMilli();
                    Uni<Integer> chain = Uni.createFrom().item(0);
                    for (Enrolments.DueEnrolment enrolment : due) {
                        CrmRecord record = found.get(RecordStore.key(enrolment.entityType(), enrolment.entityId()));
                        chain = chain.flatMap(n -> step(tx, enrolment, byId.get(enrolment.cadenceId()), record, resolver, now, at)
                                .map(moved -> moved ? n + 1 : n));
                    }
                    return chain;
                }));
    }

    private static void remember(Map<Long, Cadence> byId, long id, Definition definition) {
        if (definition != null) {
            byId.put(id, Cadence.of(definition));
        }
    }

    private Uni<RelationResolver> resolver(Map<Long, Cadence> byId, Map<String, CrmRecord> found) {
        Set<String> heads = new HashSet<>();
        byId.values().forEach(c -> heads.addAll(c.relations()));
        if (heads.isEmpty()) {
            return Uni.createFrom().item(RelationResolver.NONE);
        }
        return relations.prefetch(found.values().stream().map(CrmRecord::toJson).toList(), heads);
    }

    private Uni<Boolean> step(SqlClient tx, Enrolments.DueEnrolment enrolment, Cadence cadence, CrmRecord record, RelationResolver resolver,
                              long now, OffsetDateTime at) {
        if (cadence == null) {
            return enrolments.moveOn(tx, enrolment.id(), enrolment.step(), EnrolmentStatus.CANCELLED, null, at, null,
                    "cadence " + enrolment.cadenceId() + " was deleted");
        }
        Cadence.Due due = cadence.due(enrolment.step(), record == null ? null : record.toJson(), resolver, now,
                enrolment.entityType() + "/" + enrolment.entityId());
        Double delaySeconds = due.nextDelayHours() == null ? null : due.nextDelayHours() * 3600;
        if (due.run() == null) {
            return enrolments.moveOn(tx, enrolment.id(), enrolment.step(), due.status(), null, at, null, due.reason());
        }
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("cadence_id", cadence.id());
        context.put("enrolment_id", enrolment.id());
        context.put("step", enrolment.step());
        // the step's own event says what started it, one level of the chain as the enrolling step's changes
        NewEvent event = new NewEvent("cadence_step", enrolment.entityType(), enrolment.entityId(), null, record.toJson(), null, context,
                SOURCE, enrolment.chainDepth(), enrolment.triggerId(), null);
        return events.appendAll(tx, List.of(event), true)
                .flatMap(appended -> executions.insertChild(tx, new ChildExecution(enrolment.triggerId(), null, appended.get(0).id(),
                        enrolment.entityType(), enrolment.entityId(), cadence.flow(enrolment.step()), null, null, null, enrolment.id(),
                        enrolment.step())))
                .flatMap(execution -> enrolments.moveOn(tx, enrolment.id(), enrolment.step(), due.status(), due.nextStep(), at, delaySeconds,
                        due.reason()));
    }
}
