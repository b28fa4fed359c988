package dev.triggerfish.alert;

import dev.triggerfish.action.EmailConfig;
import dev.triggerfish.action.SendEmailAction;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.mail.MailClient;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.ArrayList;
import java.util.List;

/**
 * Sends an episode's start or end to the configured webhook (a JSON POST) and/or email address. The
 * destinations come from the operator's configuration, not from a trigger, so they are not held to the
 * webhook action's internal-address rules.
 */
@ApplicationScoped
public class AlertNotifier {
    private static final int TIMEOUT_MS = 10_000;
    private final WebClient web;
    private final MailClient mail;
    private final String from;
    private final AlertConfig config;
    private final EmailConfig email;

    public AlertNotifier(Vertx vertx, MailClient mail, AlertConfig config, EmailConfig email,
                         @ConfigProperty(name = "quarkus.mailer.from", defaultValue = "Triggerfish <triggerfish@localhost>") String from) {
        this.web = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(TIMEOUT_MS)
                // no client span: the alert URL may itself be a credential (a chat webhook), and it is no triggerfish.secret
                .setTracingPolicy(io.vertx.core.tracing.TracingPolicy.IGNORE));
        this.mail = mail;
        this.from = from;
        this.config = config;
        this.email = email;
    }

    /** The notification of {@code episode}: {@code firing} when it opened, {@code resolved} when it closed. */
    static JsonObject message(Episode episode, boolean opening) {
        JsonObject body = new JsonObject().put("alert", episode.kind()).put("status", opening ? "firing" : "resolved")
                .put("episode_id", episode.id()).put("opened_at", episode.openedAt().toString())
                .put("closed_at", episode.closedAt() == null ? null : episode.closedAt().toString());
        body.getMap().putAll(episode.detail().getMap());
        return body.put("summary", summary(episode, opening));
    }

    static String summary(Episode episode, boolean opening) {
        JsonObject d = episode.detail();
        String what = Breach.BACKLOG.equals(episode.kind())
                ? "backlog: the oldest waiting work has waited " + d.getLong("oldest_seconds") + " s (threshold " + d.getLong("threshold_seconds") + " s)"
                : "trigger " + d.getLong("trigger_id") + " \"" + d.getString("trigger_name") + "\": " + d.getLong("failed") + " of "
                  + d.getLong("total") + " executions failed in the last " + d.getLong("window_seconds") / 60 + " min";
        return (opening ? "[Triggerfish] firing: " : "[Triggerfish] resolved: ") + what;
    }

    /** Sends to every configured destination; fails if one of them refused. */
    public Uni<Void> send(Episode episode, boolean opening) {
        JsonObject message = message(episode, opening);
        List<Uni<Void>> sends = new ArrayList<>();
        config.webhookUrl().ifPresent(url -> sends.add(web.postAbs(url).timeout(TIMEOUT_MS).sendJsonObject(message)
                .flatMap(response -> response.statusCode() < 300 ? Uni.createFrom().voidItem()
                        : Uni.createFrom().failure(new IllegalStateException("the alert webhook answered " + response.statusCode())))));
        // with send_email's deadline: a stalled SMTP exchange must not stall every later measure
        config.email().ifPresent(to -> sends.add(SendEmailAction.sendWithin(mail, new MailMessage().setFrom(from).setTo(to)
                        .setSubject(message.getString("summary")).setText(message.getString("summary") + "\n\n" + message.encodePrettily()),
                email.timeout()).replaceWithVoid()));
        return sends.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(sends).andFailFast().replaceWithVoid();
    }
}
