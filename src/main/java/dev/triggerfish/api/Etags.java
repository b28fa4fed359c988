package dev.triggerfish.api;

import jakarta.ws.rs.core.EntityTag;

/** Versions as HTTP entity tags: {@code "3"}; {@code If-Match} accepts {@code "3"}, {@code W/"3"} and {@code *}. */
public final class Etags {
    private Etags() {
    }

    public static EntityTag of(int version) {
        return new EntityTag(Integer.toString(version));
    }

    /**
     * The version an {@code If-Match} header asks for, or null when it asks for none.
     *
     * @throws ApiProblem 400 when the header is not a version we wrote
     */
    public static Integer expectedVersion(String ifMatch) {
        if (ifMatch == null || ifMatch.isBlank() || ifMatch.trim().equals("*")) {
            return null;
        }
        String tag = ifMatch.trim();
        if (tag.startsWith("W/")) {
            tag = tag.substring(2);
        }
        tag = tag.replace("\"", "");
        try {
            return Integer.parseInt(tag);
        } catch (NumberFormatException e) {
            throw ApiProblem.badRequest("If-Match", "must be an entity tag returned by this API, such as \"3\"");
        }
    }
}
