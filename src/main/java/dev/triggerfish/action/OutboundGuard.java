package dev.triggerfish.action;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The address rules of outbound webhooks (SSRF guard), as pure functions. A host written as a number
 * must be written canonically ({@code a.b.c.d} in decimal, or a bracketed IPv6 address), because
 * other spellings are read differently by different parsers ({@code 0177.0.0.1} is 177.0.0.1 to Java
 * and 127.0.0.1 to the C resolver). A name is resolved once, every address it resolves to is checked,
 * and the call connects to the checked address: no second lookup that a DNS answer could change.
 */
final class OutboundGuard {
    private static final Pattern DECIMAL = Pattern.compile("[0-9]+");
    private static final Pattern HEX = Pattern.compile("0[xX][0-9a-fA-F]*");
    private static final Pattern OCTET = Pattern.compile("0|[1-9][0-9]{0,2}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]+");
    private static final Pattern GROUP = Pattern.compile("[0-9a-fA-F]{1,4}");

    private OutboundGuard() {
    }

    /** Where a call may go: the one address to connect to, or why it may not go anywhere. */
    record Decision(InetAddress address, String refusal) {
        static Decision to(InetAddress address) {
            return new Decision(address, null);
        }

        static Decision refused(String why) {
            return new Decision(null, why);
        }
    }

    /**
     * Why {@code host} (as a URL writes it, IPv6 in brackets) is a number in a spelling that is not
     * canonical, said of the URL ("has a numeric host…"), or null when it is a canonical address or a name. A host whose last label is a number
     * (decimal, or hex with {@code 0x}) is an IPv4 address to URL parsers and resolvers, whatever the
     * rest of it is.
     */
    static String misspelledNumber(String host) {
        if (host.startsWith("[") || host.contains(":")) {
            return ipv6(host) == null ? "has the host '" + host + "', not a valid IPv6 address (in brackets, no zone, an IPv4 part as a.b.c.d)" : null;
        }
        String[] labels = host.split("\\.", -1);
        String last = labels[labels.length - 1];
        if (last.isEmpty() && labels.length > 1) {
            last = labels[labels.length - 2]; // a trailing dot
        }
        if (!DECIMAL.matcher(last).matches() && !HEX.matcher(last).matches()) {
            return null;
        }
        return ipv4(host) != null ? null
                : "has a numeric host in a non-canonical spelling, '" + host + "' (parsers disagree on what it means):"
                  + " write an IPv4 address as a.b.c.d in decimal without leading zeros, or use a name";
    }

    /** The address a canonical literal host stands for, without any lookup; null for a name or a misspelled number. */
    static InetAddress literal(String host) {
        byte[] bytes = host.startsWith("[") || host.contains(":") ? ipv6(host) : ipv4(host);
        if (bytes == null) {
            return null;
        }
        try {
            return InetAddress.getByAddress(bytes); // IPv4-mapped IPv6 bytes become the IPv4 address
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** The address to connect to among those {@code host} resolved to: refused when any of them is internal (unless allowed). */
    static Decision choose(String host, List<InetAddress> addresses, boolean allowInternal) {
        if (addresses.isEmpty()) {
            return Decision.refused("cannot resolve " + host + ": no address");
        }
        if (!allowInternal) {
            for (InetAddress address : addresses) {
                if (isInternal(address)) {
                    return Decision.refused("refused: " + host + " resolves to the internal address " + address.getHostAddress()
                            + " (allow it with triggerfish.webhook.allowed-hosts or triggerfish.webhook.allow-private-networks)");
                }
            }
        }
        return Decision.to(withoutName(addresses.get(0)));
    }

    /** The address alone: the connection is made to it, never to a name it still carries. */
    private static InetAddress withoutName(InetAddress address) {
        try {
            return InetAddress.getByAddress(address.getAddress());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Whether {@code address} is not on the public internet: loopback, private, link-local, reserved, or such an IPv4 address inside IPv6. */
    static boolean isInternal(InetAddress address) {
        byte[] b = address.getAddress();
        return b.length == 4 ? internalV4(b, 0) : internalV6(b);
    }

    private static boolean internalV4(byte[] b, int at) {
        int a = b[at] & 0xff;
        int c = b[at + 1] & 0xff;
        int d = b[at + 2] & 0xff;
        return a == 0 || a == 10 || a == 127 || a >= 224              // this network, private, loopback, multicast and reserved
               || (a == 100 && c >= 64 && c < 128)                      // carrier-grade NAT (and cloud metadata 100.100.100.200)
               || (a == 169 && c == 254)                                // link-local, cloud metadata 169.254.169.254
               || (a == 172 && c >= 16 && c < 32) || (a == 192 && c == 168)
               || (a == 192 && c == 0 && (d == 0 || d == 2))            // IETF protocol assignments, TEST-NET-1
               || (a == 192 && c == 88 && d == 99)                      // 6to4 relay anycast
               || (a == 198 && (c == 18 || c == 19))                    // benchmarking
               || (a == 198 && c == 51 && d == 100) || (a == 203 && c == 0 && d == 113); // TEST-NET-2, -3
    }

    private static boolean internalV6(byte[] b) {
        if (zero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
            return internalV4(b, 12);                                   // IPv4-mapped ::ffff:a.b.c.d
        }
        if (zero(b, 0, 12)) {
            return true;                                                // ::, ::1 and IPv4-compatible ::a.b.c.d (deprecated)
        }
        int w0 = word(b, 0);
        int w1 = word(b, 1);
        if (w0 == 0x64 && w1 == 0xff9b) {                               // NAT64: 64:ff9b::a.b.c.d, and the local-use 64:ff9b:1::/48
            return !zero(b, 4, 12) || internalV4(b, 12);
        }
        if (w0 == 0x2002) {
            return internalV4(b, 2);                                    // 6to4 2002:aabb:ccdd::/48
        }
        if (w0 == 0x2001 && w1 == 0) {                                  // Teredo: the server, and the client with its bits inverted
            byte[] client = new byte[4];
            for (int i = 0; i < 4; i++) {
                client[i] = (byte) ~b[12 + i];
            }
            return internalV4(b, 4) || internalV4(client, 0);
        }
        int first = b[0] & 0xff;
        return (first & 0xfe) == 0xfc                                   // unique local fc00::/7 (fd00:ec2::254 is EC2's metadata)
               || first == 0xff                                         // multicast
               || (first == 0xfe && (b[1] & 0xc0) == 0x80)              // link-local fe80::/10
               || (first == 0xfe && (b[1] & 0xc0) == 0xc0)              // site-local fec0::/10 (deprecated)
               || (w0 == 0x100 && zero(b, 2, 8))                        // discard 100::/64
               || (w0 == 0x2001 && (w1 == 0xdb8 || w1 == 2 || (w1 & 0xfff0) == 0x10 || (w1 & 0xfff0) == 0x20)); // documentation, benchmarking, ORCHID
    }

    private static boolean zero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static int word(byte[] b, int index) {
        return ((b[2 * index] & 0xff) << 8) | (b[2 * index + 1] & 0xff);
    }

    /** The four bytes of a canonical dotted-quad, else null. */
    private static byte[] ipv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            if (!OCTET.matcher(parts[i]).matches() || Integer.parseInt(parts[i]) > 255) {
                return null;
            }
            out[i] = (byte) Integer.parseInt(parts[i]);
        }
        return out;
    }

    /** The sixteen bytes of a bracketed IPv6 address (groups of 1-4 hex digits, one {@code ::}, a canonical IPv4 tail), else null. */
    private static byte[] ipv6(String host) {
        if (!host.startsWith("[") || !host.endsWith("]")) {
            return null;
        }
        String text = host.substring(1, host.length() - 1).toLowerCase(Locale.ROOT);
        if (text.isEmpty() || !IPV6.matcher(text).matches()) {
            return null;                                                // zones (%eth0) and anything else
        }
        byte[] tail = null;
        int lastColon = text.lastIndexOf(':');
        if (text.indexOf('.') >= 0) {
            tail = ipv4(text.substring(lastColon + 1));
            if (tail == null || lastColon < 0) {
                return null;
            }
            text = text.substring(0, lastColon + 1) + "0:0";            // two placeholder groups for the IPv4 part
        }
        int gap = text.indexOf("::");
        if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
            return null;
        }
        List<String> head = groups(gap >= 0 ? text.substring(0, gap) : text);
        List<String> rest = gap >= 0 ? groups(text.substring(gap + 2)) : List.of();
        if (head == null || rest == null) {
            return null;
        }
        int given = head.size() + rest.size();
        if (gap >= 0 ? given > 7 : given != 8) {
            return null;
        }
        byte[] out = new byte[16];
        for (int i = 0; i < head.size(); i++) {
            put(out, i, head.get(i));
        }
        for (int i = 0; i < rest.size(); i++) {
            put(out, 8 - rest.size() + i, rest.get(i));
        }
        if (tail != null) {
            System.arraycopy(tail, 0, out, 12, 4);
        }
        return out;
    }

    private static List<String> groups(String text) {
        if (text.isEmpty()) {
            return List.of();
        }
        List<String> groups = List.of(text.split(":", -1));
        return groups.stream().allMatch(g -> GROUP.matcher(g).matches()) ? groups : null;
    }

    private static void put(byte[] out, int group, String hex) {
        int value = Integer.parseInt(hex, 16);
        out[2 * group] = (byte) (value >> 8);
        out[2 * group + 1] = (byte) value;
    }
}
