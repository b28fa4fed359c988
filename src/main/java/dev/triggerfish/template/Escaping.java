package dev.triggerfish.template;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** How a rendered value is escaped for where it lands. */
public enum Escaping {
    /** As is: JSON string leaves (the JSON encoder escapes them), plain text. */
    PLAIN,
    /** Header values: no line breaks, so a value cannot add a header. */
    HEADER,
    /** HTML email bodies. */
    HTML,
    /** Values inside a URL: percent-encoded. */
    URL;

    String apply(String value) {
        return switch (this) {
            case PLAIN -> value;
            case HEADER -> value.replace('\r', ' ').replace('\n', ' ');
            case HTML -> html(value);
            case URL -> URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
        };
    }

    private static String html(String value) {
        StringBuilder sb = new StringBuilder(value.length() + 16);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
