package dev.triggerfish.template;

import dev.triggerfish.support.FieldError;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A template as written to {@code /api/templates}, checked: every problem is a {@link FieldError}
 * naming its field, so a caller sees all of them at once.
 *
 * @param id the id asked for (POST may choose it, as the spec's examples name templates 1, 2, 3, 5 and 10), or null
 */
public record TemplateInput(Long id, String name, MessageTemplate.Channel channel, String subject, String htmlBody, String textBody,
                            Integer version) {
    static final int MAX_NAME = 200;
    /** RFC 5322 caps a header line at 998 characters; a subject is one header. */
    static final int MAX_SUBJECT = 998;
    static final int MAX_BODY = 256 * 1024;
    private static final Set<String> FIELDS = Set.of("id", "name", "channel", "subject", "html_body", "text_body", "version",
            "created_at", "updated_at");
    private static final long MAX_ID = 9_007_199_254_740_991L; // 2^53 - 1: exact in every JSON reader

    /**
     * Reads and checks {@code body}; {@code isSecret} names the configured secrets, which a message
     * may not contain: a secret authenticates outbound calls, it is never sent to a person.
     */
    public static TemplateInput from(Map<String, Object> body, Predicate<String> isSecret, List<FieldError> errors) {
        body.keySet().stream().filter(k -> !FIELDS.contains(k)).sorted()
                .forEach(k -> errors.add(new FieldError(k, "is not a field of a template (fields: id, name, channel, subject, html_body, text_body)")));
        Long id = id(body.get("id"), errors);
        String name = text(body, "name", MAX_NAME, true, errors);
        MessageTemplate.Channel channel = null;
        Object rawChannel = body.get("channel");
        if (rawChannel == null) {
            errors.add(new FieldError("channel", "is required: email or sms"));
        } else if (!(rawChannel instanceof String s) || (channel = MessageTemplate.Channel.fromWireName(s)) == null) {
            errors.add(new FieldError("channel", "must be email or sms"));
        }
        String subject = text(body, "subject", MAX_SUBJECT, false, errors);
        String html = text(body, "html_body", MAX_BODY, false, errors);
        String textBody = text(body, "text_body", MAX_BODY, false, errors);
        if (channel == MessageTemplate.Channel.EMAIL) {
            if (subject == null && body.get("subject") == null) {
                errors.add(new FieldError("subject", "is required for an email template"));
            }
            if (html == null && textBody == null && body.get("html_body") == null && body.get("text_body") == null) {
                errors.add(new FieldError("html_body", "an email template needs html_body, text_body or both"));
            }
        } else if (channel == MessageTemplate.Channel.SMS) {
            if (textBody == null && body.get("text_body") == null) {
                errors.add(new FieldError("text_body", "is required for an sms template"));
            }
            for (String field : List.of("subject", "html_body")) {
                if (body.get(field) != null) {
                    errors.add(new FieldError(field, "an sms template has only a text_body"));
                }
            }
        }
        checkTemplate("subject", subject, isSecret, errors);
        checkTemplate("html_body", html, isSecret, errors);
        checkTemplate("text_body", textBody, isSecret, errors);
        Integer version = null;
        Object rawVersion = body.get("version");
        if (rawVersion instanceof Integer v && v >= 0) {
            version = v;
        } else if (rawVersion != null) {
            errors.add(new FieldError("version", "must be the template's version, a whole number"));
        }
        return new TemplateInput(id, name, channel, subject, html, textBody, version);
    }

    private static Long id(Object raw, List<FieldError> errors) {
        if (raw == null) {
            return null;
        }
        if (raw instanceof Number n && (raw instanceof Integer || raw instanceof Long) && n.longValue() >= 1 && n.longValue() <= MAX_ID) {
            return n.longValue();
        }
        errors.add(new FieldError("id", "must be a whole number from 1 to " + MAX_ID));
        return null;
    }

    private static String text(Map<String, Object> body, String key, int max, boolean required, List<FieldError> errors) {
        Object raw = body.get(key);
        if (raw == null) {
            if (required) {
                errors.add(new FieldError(key, "is required"));
            }
            return null;
        }
        if (!(raw instanceof String s) || (required && s.isBlank())) {
            errors.add(new FieldError(key, required ? "must be a non-empty string" : "must be a string"));
            return null;
        }
        if (s.length() > max) {
            errors.add(new FieldError(key, "is longer than " + max + " characters"));
            return null;
        }
        return s;
    }

    private static void checkTemplate(String key, String template, Predicate<String> isSecret, List<FieldError> errors) {
        if (template == null) {
            return;
        }
        try {
            TemplateRenderer.check(template, isSecret).stream()
                    .map(name -> name.split("\\.", 2)[0]).filter(isSecret).findFirst()
                    .ifPresent(secret -> errors.add(new FieldError(key, "uses the secret '" + secret
                            + "': secrets authenticate outbound calls and are never sent in a message")));
        } catch (InvalidTemplate e) {
            errors.add(new FieldError(key, "is not a valid template: " + e.reason()));
        }
    }

}
