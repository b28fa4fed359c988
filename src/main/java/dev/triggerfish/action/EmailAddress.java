package dev.triggerfish.action;

import java.util.regex.Pattern;

/**
 * The addresses {@code send_email} sends to: a plain {@code local@domain} (no display name, no
 * comments, no line break that could add a header), with a domain of DNS labels.
 */
final class EmailAddress {
    private static final int MAX_LENGTH = 254; // RFC 5321's path limit, less the angle brackets
    private static final Pattern ADDRESS = Pattern.compile(
            "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
                    + "@[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+");
    private static final Pattern IN_ANGLES = Pattern.compile(".*<([^<>]+)>\\s*");

    private EmailAddress() {
    }

    static boolean isValid(String address) {
        return address != null && address.length() <= MAX_LENGTH && ADDRESS.matcher(address).matches();
    }

    /** The domain of an address written with or without a display name ({@code Name <a@b.c>}), or null. */
    static String domainOf(String written) {
        if (written == null) {
            return null;
        }
        var angles = IN_ANGLES.matcher(written);
        String address = angles.matches() ? angles.group(1).trim() : written.trim();
        return isValid(address) ? address.substring(address.indexOf('@') + 1) : null;
    }
}
