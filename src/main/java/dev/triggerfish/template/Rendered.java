package dev.triggerfish.template;

import java.util.Set;

/** A rendered template, with the names it referred to that had no value (rendered empty). */
public record Rendered(String text, Set<String> missing) {
}
