package dev.triggerfish.action;

import dev.triggerfish.crm.RecordStore;
import dev.triggerfish.crm.UserDirectory;
import dev.triggerfish.support.NotFound;
import dev.triggerfish.template.Escaping;
import dev.triggerfish.template.MessageTemplate;
import dev.triggerfish.template.TemplateStore;
import io.smallrye.mutiny.Uni;
import io.vertx.core.VertxException;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.MailResult;
import io.vertx.ext.mail.SMTPException;
import io.vertx.mutiny.ext.mail.MailClient;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * {@code send_email}: a stored template (or the action's own {@code subject} and {@code body}) rendered
 * for the record and sent over SMTP to the record's email, its assigned user or a custom address.
 *
 * <p>It sends through the Vert.x mail client that the Quarkus mailer configures ({@code quarkus.mailer.*})
 * rather than through {@code ReactiveMailer}: the client answers with what the server accepted, which
 * the step records. Both are non-blocking.
 */
@Singleton
public class SendEmailAction implements ActionHandler {
    static final String ENTITY_EMAIL = "entity_email";
    static final String ASSIGNED_USER = "assigned_user";
    static final String CUSTOM = "custom";
    private static final Set<String> PRIORITIES = Set.of("low", "normal", "medium", "high", "urgent");

    // injected into fields, so that BuiltInActions can make one to validate configurations in plain Java
    @Inject
    MailClient mail;
    @Inject
    TemplateStore templates;
    @Inject
    UserDirectory users;
    @Inject
    RecordStore records;
    @Inject
    EmailConfig config;
    @ConfigProperty(name = "quarkus.mailer.from", defaultValue = "Triggerfish <triggerfish@localhost>")
    String from;

    /** The Message-ID's right-hand side: the sender's domain. */
    private String messageIdDomain() {
        String domain = EmailAddress.domainOf(from);
        return domain == null ? "triggerfish.local" : domain;
    }

    @Override
    public String type() {
        return "send_email";
    }

    @Override
    public boolean seesSecrets() {
        return false; // a person reads it
    }

    @Override
    public void validate(ConfigCheck action) {
        action.optionalId("template_id");
        action.optionalText("subject");
        action.optionalText("body");
        action.requireOneOf("template_id", "subject", "body");
        action.oneOf("recipient", Set.of(ENTITY_EMAIL, ASSIGNED_USER, CUSTOM), true);
        if (CUSTOM.equals(action.object().get("recipient"))) {
            action.requireText("custom_email");
        }
        action.optionalText("custom_email");
        if (action.object().get("custom_email") instanceof String custom && custom.indexOf('{') < 0 && !EmailAddress.isValid(custom)) {
            action.error("custom_email", "is not an email address");
        }
        action.oneOf("priority", PRIORITIES, false);
    }

    @Override
    public Uni<StepResult> execute(ActionContext context) {
        return recipient(context)
                .flatMap(to -> content(context).flatMap(content -> send(context, to, content)))
                .onFailure(StepRefused.class).recoverWithItem(e -> StepResult.failed(e.getMessage(), Map.of()));
    }

    /**
     * The address: the record's {@code email} (for a record without one, such as a deal, its contact's:
     * the record named by {@code contact_id}), its assigned user's, or {@code custom_email}.
     */
    private Uni<String> recipient(ActionContext context) {
        Map<?, ?> entity = context.scope().get("entity") instanceof Map<?, ?> m ? m : Map.of();
        return switch (context.text("recipient")) {
            case ASSIGNED_USER -> assignee(entity);
            case CUSTOM -> Uni.createFrom().item(() -> checked(context.render(context.text("custom_email"), Escaping.HEADER), "custom_email"));
            default -> ContactPoint.of(context, "email", records).map(found -> checked(found.value(), found.what()));
        };
    }

    private Uni<String> assignee(Map<?, ?> entity) {
        Object user = entity.get("assigned_to");
        if (user == null) {
            return Uni.createFrom().failure(new StepRefused("the record has no assigned user to email"));
        }
        return users.get(user.toString())
                .onFailure(NotFound.class).transform(e -> new StepRefused("the assigned user " + user + " does not exist"))
                .map(found -> checked(text(found.get("email")), "the email of assigned user " + user));
    }

    private static String checked(String address, String what) {
        if (address == null || address.isBlank()) {
            throw new StepRefused(what + " is empty: nothing to send to");
        }
        if (!EmailAddress.isValid(address.trim())) {
            throw new StepRefused(what + " is not an email address: " + address);
        }
        return address.trim();
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }

    /** Subject and bodies: the template's, with the action's {@code subject} instead when it has one. */
    private Uni<Content> content(ActionContext context) {
        if (!(context.action().get("template_id") instanceof Number templateId)) {
            return Uni.createFrom().item(new Content(null, context.text("subject"), null, context.text("body")));
        }
        long id = templateId.longValue();
        return templates.get(id)
                .onFailure(NotFound.class).transform(e -> new StepRefused("template " + id + " does not exist (create it with POST /api/templates)"))
                .map(template -> {
                    if (template.channel() != MessageTemplate.Channel.EMAIL) {
                        throw new StepRefused("template " + id + " is an " + template.channel().wireName() + " template, not an email one");
                    }
                    String subject = context.text("subject") != null ? context.text("subject") : template.subject();
                    return new Content(id, subject, template.htmlBody(), template.textBody());
                });
    }

    private Uni<StepResult> send(ActionContext context, String to, Content content) {
        String messageId = messageId(context.executionId(), context.stepLabel(), messageIdDomain());
        MailMessage message = new MailMessage()
                .setFrom(from)
                .setTo(List.of(to))
                .setSubject(context.render(content.subject(), Escaping.HEADER))
                .setHtml(context.render(content.html(), Escaping.HTML))
                .setText(context.render(content.text(), Escaping.PLAIN));
        message.addHeader("Message-ID", messageId);
        message.addHeader("X-Triggerfish-Execution", context.idempotencyKey());
        priority(context.text("priority")).forEach(message::addHeader);
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("to", to);
        output.put("subject", message.getSubject());
        if (content.templateId() != null) {
            output.put("template_id", content.templateId());
        }
        output.put("message_id", messageId);
        return sendWithin(mail, message, config.timeout())
                .map(result -> {
                    output.put("accepted", result.getRecipients());
                    return StepResult.completed(output);
                })
                .onFailure().recoverWithItem(e -> failed(e, output));
    }

    /**
     * {@code message} sent, or a {@link TimeoutException} once {@code timeout} has passed without the
     * server's last answer (a transient fault: the message may go through later).
     */
    public static Uni<MailResult> sendWithin(MailClient mail, MailMessage message, Duration timeout) {
        return mail.sendMail(message).ifNoItem().after(timeout)
                .failWith(() -> new TimeoutException("no answer from the SMTP server within " + timeout.toMillis() + " ms"));
    }

    /**
     * The same for every attempt of a step, so that a repeat after a crash between the server's
     * acceptance and the checkpoint is recognisably the same message.
     */
    static String messageId(long execution, int step, String domain) {
        return messageId(execution, Integer.toString(step), domain);
    }

    /** The same, for a step labelled as {@link ActionContext#stepLabel()} does ({@code 3.f1}: a fallback of step 3). */
    static String messageId(long execution, String step, String domain) {
        return "<triggerfish." + execution + "." + step + "@" + domain + ">";
    }

    /**
     * A 4xx answer or a connection that failed may go through later; a 5xx answer (no such mailbox,
     * message refused) would be the same again.
     */
    static StepResult failed(Throwable e, Map<String, Object> output) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SMTPException smtp) {
                String reply = smtp.getReplyCode() + " " + String.join(" ", smtp.getReplyMessages());
                output.put("smtp_reply", reply);
                return smtp.isPermanent()
                        ? StepResult.failed("the SMTP server refused the message: " + reply, output)
                        : StepResult.failed(new TransientFault(e), "the SMTP server answered " + reply, output);
            }
            if (TransientFault.isConnectionFailure(t) || t instanceof VertxException) {
                return StepResult.failed(new TransientFault(e), "the SMTP server could not be reached: " + e.getMessage(), output);
            }
        }
        return StepResult.failed("sending failed: " + e.getMessage(), output);
    }

    /** {@code X-Priority} and {@code Importance}, the two headers mail clients read. */
    static Map<String, String> priority(String priority) {
        if (priority == null) {
            return Map.of();
        }
        return switch (priority) {
            case "urgent", "high" -> Map.of("X-Priority", "1 (Highest)", "Importance", "high");
            case "low" -> Map.of("X-Priority", "5 (Lowest)", "Importance", "low");
            default -> Map.of("X-Priority", "3 (Normal)", "Importance", "normal");
        };
    }

    private record Content(Long templateId, String subject, String html, String text) {
    }
}
