package dev.triggerfish.template;

/** A template that does not parse, or asks for something templates may not do (a partial, a parent template). */
public class InvalidTemplate extends RuntimeException {
    private final String reason;

    public InvalidTemplate(String template, String reason) {
        super("template does not parse (" + reason + "): " + (template.length() > 200 ? template.substring(0, 200) + "…" : template));
        this.reason = reason;
    }

    /** Why, without the template. */
    public String reason() {
        return reason;
    }
}
