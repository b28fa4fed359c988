package dev.triggerfish.action;

import dev.triggerfish.crm.RecordStore;
import dev.triggerfish.support.NotFound;
import dev.triggerfish.template.Escaping;
import dev.triggerfish.template.MessageTemplate;
import dev.triggerfish.template.Secrets;
import dev.triggerfish.template.TemplateStore;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.MultiMap;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code send_sms}: a stored SMS template (or the action's {@code message}) rendered for the record and
 * posted to the configured HTTP SMS gateway ({@link SmsConfig}), to the record's phone or a number.
 */
@Singleton
public class SendSmsAction implements ActionHandler {
    static final String ENTITY_PHONE = "entity_phone";
    /** E.164: a plus, then up to fifteen digits, the first not zero. */
    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{1,14}");

    // injected into fields, so that BuiltInActions can make one to validate configurations in plain Java
    @Inject
    SmsConfig config;
    @Inject
    Secrets secrets;
    @Inject
    TemplateStore templates;
    @Inject
    RecordStore records;
    @Inject
    OutboundMetrics metrics;

    @Inject
    OutboundHttp outbound;

    @Override
    public String type() {
        return "send_sms";
    }

    @Override
    public boolean seesSecrets() {
        return false; // a person reads it
    }

    @Override
    public void validate(ConfigCheck action) {
        action.optionalId("template_id");
        action.optionalText("message");
        action.requireOneOf("template_id", "message");
        action.requireText("recipient");
        if (action.object().get("recipient") instanceof String r && !ENTITY_PHONE.equals(r) && r.indexOf('{') < 0 && !isPhoneNumber(r)) {
            action.error("recipient", "must be entity_phone, a number in E.164 form (+14155550100) or a template such as {{entity.mobile}}");
        }
    }

    static boolean isPhoneNumber(String number) {
        return number != null && E164.matcher(number).matches();
    }

    @Override
    public Uni<StepResult> execute(ActionContext context) {
        if (config.gatewayUrl().isEmpty()) {
            return Uni.createFrom().item(StepResult.failed("no SMS gateway is configured (triggerfish.sms.gateway-url)", Map.of()));
        }
        return recipient(context)
                .flatMap(to -> text(context).flatMap(text -> send(context, to, text)))
                .onFailure(StepRefused.class).recoverWithItem(e -> StepResult.failed(e.getMessage(), Map.of()));
    }

    /** The number: the record's {@code phone} (or its contact's, for a record that names one), or the action's. */
    private Uni<String> recipient(ActionContext context) {
        String recipient = context.text("recipient");
        if (!ENTITY_PHONE.equals(recipient)) {
            return Uni.createFrom().item(() -> checked(context.render(recipient, Escaping.PLAIN), "the recipient"));
        }
        return ContactPoint.of(context, "phone", records).map(found -> checked(found.value(), found.what()));
    }

    private static String checked(String number, String what) {
        if (number == null || number.isBlank()) {
            throw new StepRefused(what + " is empty: nothing to send to");
        }
        String compact = number.replaceAll("[\\s().-]", "");
        if (!isPhoneNumber(compact)) {
            throw new StepRefused(what + " is not a number in E.164 form (+14155550100): " + number);
        }
        return compact;
    }

    private Uni<String> text(ActionContext context) {
        if (!(context.action().get("template_id") instanceof Number templateId)) {
            return Uni.createFrom().item(() -> context.render(context.text("message"), Escaping.PLAIN));
        }
        long id = templateId.longValue();
        return templates.get(id)
                .onFailure(NotFound.class).transform(e -> new StepRefused("template " + id + " does not exist (create it with POST /api/templates)"))
                .map(template -> {
                    if (template.channel() != MessageTemplate.Channel.SMS) {
                        throw new StepRefused("template " + id + " is an " + template.channel().wireName() + " template, not an sms one");
                    }
                    return context.render(template.textBody(), Escaping.PLAIN);
                });
    }

    private Uni<StepResult> send(ActionContext context, String to, String text) {
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("to", to);
        output.put("characters", text.length());
        if (context.action().get("template_id") != null) {
            output.put("template_id", context.action().get("template_id"));
        }
        HttpRequest<Buffer> request = outbound.client().postAbs(config.gatewayUrl().get())
                .timeout(config.timeout().toMillis())
                .putHeader("Idempotency-Key", context.idempotencyKey());
        String user = secrets.values().get(config.userSecret());
        String password = secrets.values().get(config.passwordSecret());
        if (user != null && password != null) {
            request.basicAuthentication(user, password);
        }
        Uni<HttpResponse<Buffer>> sent;
        if ("json".equals(config.format())) {
            JsonObject body = new JsonObject().put(config.toField(), to).put(config.bodyField(), text);
            config.from().ifPresent(from -> body.put(config.fromField(), from));
            sent = request.sendJsonObject(body);
        } else {
            MultiMap form = MultiMap.caseInsensitiveMultiMap().add(config.toField(), to).add(config.bodyField(), text);
            config.from().ifPresent(from -> form.add(config.fromField(), from));
            sent = request.sendForm(form);
        }
        return sent.map(response -> answered(response, output))
                .onFailure().recoverWithItem(e -> {
                    Throwable fault = TransientFault.classified(e);
                    String error = "the SMS gateway could not be reached: " + secrets.redact(String.valueOf(e.getMessage()));
                    return fault instanceof TransientFault t ? StepResult.failed(t, error, output) : StepResult.failed(error, output);
                })
                .invoke(result -> metrics.called(OutboundMetrics.hostOf(config.gatewayUrl().get()), output.get("status")));
    }

    /** A 2xx answer sent it; a 5xx, 408 or 429 answer may go through later; any other would be the same again. */
    private StepResult answered(HttpResponse<Buffer> response, Map<String, Object> output) {
        int status = response.statusCode();
        output.put("status", status);
        String body = response.bodyAsString();
        if (status >= 200 && status < 300) {
            try {
                Object id = body == null ? null : new JsonObject(body).getValue(config.messageIdField());
                if (id != null) {
                    output.put("message_id", id.toString());
                }
            } catch (RuntimeException notJson) {
                output.put("response", outbound.recorded(body));
            }
            return StepResult.completed(output);
        }
        output.put("response", secrets.redact(outbound.recorded(body)));
        String error = "the SMS gateway answered HTTP " + status;
        if (status >= 500 || status == 408 || status == 429) {
            return StepResult.failed(TransientFault.answered(response), error, output);
        }
        return StepResult.failed(error, output);
    }


}
