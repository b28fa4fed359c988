package dev.triggerfish.template;

import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A stored message template (the spec's "Dynamic Content Templates"): what {@code send_email} and
 * {@code send_sms} send when an action names its {@code template_id}. Subject and bodies are
 * {@code {{…}}} templates; values rendered into {@link #htmlBody} are HTML-escaped.
 */
public record MessageTemplate(long id, String name, Channel channel, String subject, String htmlBody, String textBody,
                              int version, OffsetDateTime createdAt, OffsetDateTime updatedAt) {

    /** Where a template's message goes. */
    public enum Channel {
        EMAIL, SMS;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Channel fromWireName(String name) {
            for (Channel c : values()) {
                if (c.wireName().equals(name)) {
                    return c;
                }
            }
            return null;
        }
    }

    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", id);
        json.put("name", name);
        json.put("channel", channel.wireName());
        json.put("subject", subject);
        json.put("html_body", htmlBody);
        json.put("text_body", textBody);
        json.put("version", version);
        json.put("created_at", createdAt == null ? null : createdAt.toString());
        json.put("updated_at", updatedAt == null ? null : updatedAt.toString());
        return json;
    }
}
