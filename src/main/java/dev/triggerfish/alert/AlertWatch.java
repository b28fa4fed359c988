package dev.triggerfish.alert;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;

/**
 * Every {@code triggerfish.alerts.interval}, when a destination is configured: measures each trigger's
 * failure rate and the backlog's age, opens an episode for each threshold newly crossed and closes those
 * no longer crossed (AlertStore), then sends what no replica has sent yet: one message when an episode
 * starts, one when it ends — never one per failure. A message that could not be sent is tried again at
 * the next measure; one claimed by a replica that dies before sending it is lost (at most once).
 */
@ApplicationScoped
public class AlertWatch {
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(AlertWatch.class);
    private final AlertStore store;
    private final AlertNotifier notifier;
    private final AlertConfig config;

    public AlertWatch(AlertStore store, AlertNotifier notifier, AlertConfig config) {
        this.store = store;
        this.notifier = notifier;
        this.config = config;
    }

    @Scheduled(every = "${triggerfish.alerts.interval}", delayed = "10s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        if (!config.enabled()) {
            return Uni.createFrom().voidItem();
        }
        return watch().onFailure().invoke(e -> LOG.debugf("alerts not measured: %s", e.getMessage())).onFailure().recoverWithNull();
    }

    /** One measure: the breaches, reconciled into episodes, and their notifications sent. */
    public Uni<Void> watch() {
        long threshold = config.backlogAge().toSeconds();
        Uni<List<Breach>> breaches = Uni.combine().all()
                .unis(store.failingTriggers(config.window(), config.failureRate(), config.minExecutions()), store.backlogAgeSeconds())
                .with((failing, backlog) -> {
                    List<Breach> all = new ArrayList<>(failing);
                    if (backlog > threshold) {
                        all.add(new Breach(Breach.BACKLOG, Breach.BACKLOG,
                                new JsonObject().put("oldest_seconds", backlog).put("threshold_seconds", threshold)));
                    }
                    return all;
                });
        return breaches.flatMap(store::reconcile)
                .flatMap(ignored -> store.claimOpened()).flatMap(opened -> sendAll(opened, true))
                .flatMap(ignored -> store.claimClosed()).flatMap(closed -> sendAll(closed, false));
    }

    private Uni<Void> sendAll(List<Episode> episodes, boolean opening) {
        return Multi.createFrom().iterable(episodes)
                .onItem().transformToUniAndConcatenate(episode -> notifier.send(episode, opening)
                        .onFailure().call(e -> {
                            LOG.warnf("alert %d (%s) not sent, tried again at the next measure: %s", episode.id(), episode.kind(), e.getMessage());
                            return store.unclaim(episode, opening);
                        })
                        .onFailure().recoverWithNull())
                .collect().last().replaceWithVoid();
    }
}
