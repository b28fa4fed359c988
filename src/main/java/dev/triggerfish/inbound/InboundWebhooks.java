package dev.triggerfish.inbound;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.triggerfish.api.ApiProblem;
import dev.triggerfish.api.StrictJson;
import dev.triggerfish.event.EventIntake;
import dev.triggerfish.event.EventStore;
import dev.triggerfish.event.NewEvent;
import dev.triggerfish.inbound.InboundRefused.Reason;
import dev.triggerfish.support.FieldError;
import dev.triggerfish.support.JsonText;
import dev.triggerfish.support.NotFound;
import dev.triggerfish.template.Secrets;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * An inbound webhook, from delivery to event: the source's secret proves the sender, the payload
 * becomes the entity of a {@code webhook} event (source {@code webhook}) about the record the source's
 * rule finds, stored through the intake like every event, and answered once it is durable. The
 * {@code webhook-id} makes a resend a no-op (answered 200, so that the sender stops); the same id with
 * another payload is refused.
 */
@ApplicationScoped
public class InboundWebhooks {
    public static final String KIND = "webhook";
    public static final String SOURCE = "webhook";
    private static final Logger LOG = Logger.getLogger(InboundWebhooks.class);

    private final WebhookSourceStore sources;
    private final WebhookRecords records;
    private final EventIntake intake;
    private final Secrets secrets;
    private final Pool pool;
    private final WebhookCounters counters;
    private final ObjectMapper json;
    private final InboundConfig config;

    public InboundWebhooks(WebhookSourceStore sources, WebhookRecords records, EventIntake intake, Secrets secrets, Pool pool,
                           WebhookCounters counters, StrictJson json, InboundConfig config) {
        this.sources = sources;
        this.records = records;
        this.intake = intake;
        this.secrets = secrets;
        this.pool = pool;
        this.counters = counters;
        this.json = json.getContext(Object.class);
        this.config = config;
    }

    /** What a delivery became: its event, whether it was new, and the record it concerns. */
    public record Received(long eventId, boolean duplicate, String webhookId, WebhookRecords.Concerned record) {
        public Map<String, Object> toJson() {
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("event_id", eventId);
            answer.put("webhook_id", webhookId);
            answer.put("duplicate", duplicate);
            if (record != null) {
                answer.put("record", record.toJson());
            }
            return answer;
        }
    }

    /**
     * Receives a delivery to source {@code name}.
     *
     * @param header a request header by name (any case), or null
     * @param body   the body as received
     */
    public Uni<Received> receive(String name, Function<String, String> header, byte[] body) {
        return sources.find(name)
                .onItem().ifNull().failWith(() -> new NotFound("webhook source", name))
                .map(source -> verified(source, header, body))
                .flatMap(this::read)
                .flatMap(this::store);
    }

    /** A delivery whose sender is proven (its payload still bytes). */
    private record Verified(WebhookSource source, String webhookId, byte[] body) {
    }

    /** A verified delivery with its payload read. */
    private record Delivery(WebhookSource source, String webhookId, Map<String, Object> payload) {
    }

    private Verified verified(WebhookSource source, Function<String, String> header, byte[] body) {
        long max = config.maxPayloadSize().asLongValue();
        if (body.length > max) {
            throw new ApiProblem(413, "Content too large", "$ the payload is " + body.length + " bytes (at most " + max
                    + ", triggerfish.inbound.max-payload-size)", List.of(new FieldError("$",
                    "the payload is " + body.length + " bytes (at most " + max + ")")));
        }
        String webhookId;
        try {
            webhookId = InboundVerification.verify(source, secretValues(source), header, body, Instant.now(), config.tolerance());
        } catch (IllegalArgumentException badKey) {
            // the configured value changed since the source was saved and is no signing secret any more
            LOG.warnf("webhook source %s: its secret is not a signing secret (%s): its deliveries are refused", source.name(), badKey.getMessage());
            throw notConfigured(source);
        } catch (InboundRefused refused) {
            counters.refused(source.name(), refused.reason());
            LOG.debugf("webhook to source %s refused: %s (%s)", source.name(), refused.reason().tag(), refused.getMessage());
            throw new ApiProblem(401, "Unauthorized", refused.header() + " " + refused.getMessage(),
                    List.of(new FieldError(refused.header(), refused.getMessage())));
        }
        intake.refuseIfOverloaded();
        return new Verified(source, webhookId, body);
    }

    /** The configured values of the source's secrets; a source whose secret is gone from the configuration cannot verify anything. */
    private List<String> secretValues(WebhookSource source) {
        List<String> values = new ArrayList<>();
        for (String secretName : source.secretNames()) {
            String value = secrets.values().get(secretName);
            if (value != null) {
                values.add(value);
            }
        }
        if (values.isEmpty()) {
            LOG.warnf("webhook source %s names secret %s, which is not configured: its deliveries are refused", source.name(), source.secret());
            throw notConfigured(source);
        }
        return values;
    }

    private static ApiProblem notConfigured(WebhookSource source) {
        return new ApiProblem(503, "Source not configured", "the secret of webhook source '" + source.name()
                + "' is not configured on this server; nothing was stored");
    }

    /** The body read as strictly as every request body of the API (a refusal is a 400 naming where): one JSON object. */
    @SuppressWarnings("unchecked")
    private Uni<Delivery> read(Verified verified) {
        Object value;
        try {
            value = json.readValue(verified.body(), Object.class);
        } catch (IOException e) {
            return Uni.createFrom().failure(e instanceof com.fasterxml.jackson.core.JsonProcessingException
                    ? e : ApiProblem.badRequest("$", "could not be read as JSON"));
        }
        if (!(value instanceof Map<?, ?>)) {
            return Uni.createFrom().failure(ApiProblem.badRequest("$", "the payload must be a JSON object"));
        }
        return Uni.createFrom().item(new Delivery(verified.source(), verified.webhookId(), (Map<String, Object>) value));
    }

    private Uni<Received> store(Delivery delivery) {
        WebhookSource source = delivery.source();
        RecordRule.Naming naming = source.record().naming(delivery.payload());
        WebhookRecords.Concerned[] concerned = new WebhookRecords.Concerned[1];
        return intake.accept(1, tx -> records.resolve(tx, source.record(), naming)
                        .invoke(found -> concerned[0] = found)
                        .map(found -> List.of(event(delivery, found))))
                .flatMap(appended -> appended.get(0).inserted()
                        ? Uni.createFrom().item(accepted(delivery, appended.get(0), concerned[0]))
                        : resent(delivery, appended.get(0).id()));
    }

    private NewEvent event(Delivery delivery, WebhookRecords.Concerned record) {
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("webhook_source", delivery.source().name());
        context.put("webhook_id", delivery.webhookId());
        context.put("record", record.how());
        String clientId = delivery.webhookId() == null ? null
                : NewEvent.WEBHOOK_ID_PREFIX + delivery.source().name() + ":" + delivery.webhookId();
        return new NewEvent(KIND, record.type(), record.id(), null, delivery.payload(), null, context, SOURCE, 0, null, clientId);
    }

    private Received accepted(Delivery delivery, EventStore.Appended appended, WebhookRecords.Concerned record) {
        counters.received(delivery.source().name(), "accepted");
        return new Received(appended.id(), false, delivery.webhookId(), record);
    }

    /** A {@code webhook-id} already stored: the same payload is a resend (nothing new); another payload is a reused id, refused. */
    private Uni<Received> resent(Delivery delivery, long eventId) {
        return pool.preparedQuery("select new_state = $2::text::jsonb as same from events where id = $1")
                .execute(Tuple.of(eventId, JsonText.write(delivery.payload())))
                .map(rows -> {
                    if (!rows.iterator().next().getBoolean("same")) {
                        counters.refused(delivery.source().name(), Reason.REUSED_ID);
                        throw new ApiProblem(409, "Conflict", "webhook-id '" + delivery.webhookId() + "' was already received with another payload"
                                + " (event " + eventId + "): a webhook-id names one message", List.of(new FieldError(
                                "webhook-id", "was already received with another payload")));
                    }
                    counters.received(delivery.source().name(), "duplicate");
                    return new Received(eventId, true, delivery.webhookId(), null);
                });
    }
}
