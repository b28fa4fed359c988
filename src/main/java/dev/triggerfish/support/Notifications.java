package dev.triggerfish.support;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.vertx.pgclient.PgConnectOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * LISTEN on its own connection, reconnecting forever. A notification is only a wake-up call (the
 * rows are the truth): each listener runs when its channel notifies, and also every time the channel
 * is (re)subscribed, so that work notified while the connection was down is picked up.
 */
@ApplicationScoped
public class Notifications {
    private static final Logger LOG = Logger.getLogger(Notifications.class);

    private final Vertx vertx;
    private final String url;
    private final Optional<String> user;
    private final Optional<String> password;
    private final Map<String, List<Consumer<String>>> listeners = new ConcurrentHashMap<>();
    private PgSubscriber subscriber;

    public Notifications(Vertx vertx, @ConfigProperty(name = "quarkus.datasource.reactive.url") String url,
                         @ConfigProperty(name = "quarkus.datasource.username") Optional<String> user,
                         @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
        this.vertx = vertx;
        this.url = url;
        this.user = user;
        this.password = password;
    }

    /** Runs {@code listener} on every notification of {@code channel} and after every (re)connection. */
    public void listen(String channel, Runnable listener) {
        listen(channel, payload -> listener.run());
    }

    /**
     * As {@link #listen(String, Runnable)}, with the notification's payload; {@code null} after a
     * (re)connection, when whatever was notified meanwhile is unknown.
     */
    public synchronized void listen(String channel, Consumer<String> listener) {
        boolean first = !listeners.containsKey(channel);
        listeners.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>()).add(listener);
        if (first && subscriber != null) {
            subscribe(channel);
        }
    }

    synchronized void start(@Observes StartupEvent event) {
        PgConnectOptions options = PgConnectOptions.fromUri(url);
        user.ifPresent(options::setUser);
        password.ifPresent(options::setPassword);
        subscriber = PgSubscriber.subscriber(vertx, options)
                .reconnectPolicy(retries -> Math.min(5_000L, 100L * (1L << Math.min(retries, 6))));
        listeners.keySet().forEach(this::subscribe);
        subscriber.closeHandler(() -> LOG.warn("LISTEN connection closed; reconnecting"));
        subscriber.connect().subscribe().with(
                ignored -> LOG.debug("LISTEN connection up"),
                failure -> LOG.warnf("LISTEN connection failed (%s); polling covers until it reconnects", failure.getMessage()));
    }

    private void subscribe(String channel) {
        List<Consumer<String>> list = listeners.get(channel);
        subscriber.channel(channel)
                .subscribeHandler(() -> {
                    LOG.debugf("listening on %s", channel);
                    fire(list, null);
                })
                .handler(payload -> fire(list, payload));
    }

    void stop(@Observes ShutdownEvent event) {
        if (subscriber != null) {
            subscriber.closeAndForget();
        }
    }

    private static void fire(List<Consumer<String>> list, String payload) {
        for (Consumer<String> listener : list) {
            try {
                listener.accept(payload);
            } catch (RuntimeException e) {
                LOG.warn("a notification listener failed", e);
            }
        }
    }
}
