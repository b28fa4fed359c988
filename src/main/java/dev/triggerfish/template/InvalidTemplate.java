package dev.triggerfish.template;

/** A template that does not parse. */
public class InvalidTemplate extends RuntimeException {
    public InvalidTemplate(String template, String reason) {
        super("template does not parse (" + reason + "): " + (template.length() > 200 ? template.substring(0, 200) + "…" : template));
    }
}
