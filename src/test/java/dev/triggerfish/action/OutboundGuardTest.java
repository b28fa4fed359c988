package dev.triggerfish.action;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The address rules of outbound webhooks, as pure functions: every address here is built from its
 * bytes or parsed as a literal by the guard itself; nothing is resolved and nothing is connected to.
 */
class OutboundGuardTest {

    /** A literal parsed by the guard (no lookup); fails the test when the guard does not take it as a literal. */
    static InetAddress ip(String literal) {
        InetAddress address = OutboundGuard.literal(literal.contains(":") ? "[" + literal + "]" : literal);
        assertNotNull(address, literal + " is a literal");
        return address;
    }

    static InetAddress bytes(int... octets) throws UnknownHostException {
        byte[] b = new byte[octets.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) octets[i];
        }
        return InetAddress.getByAddress(b);
    }

    @ParameterizedTest
    @CsvSource({
        "127.0.0.1, true", "10.1.2.3, true", "172.16.0.1, true", "192.168.1.1, true", "169.254.169.254, true",
        "0.0.0.0, true", "100.64.0.1, true", "::1, true", "fd00::1, true", "fe80::1, true", "224.0.0.1, true",
        "8.8.8.8, false", "93.184.216.34, false", "2606:4700::1111, false"
    })
    void internalAddressesAreRefusedByDefault(String address, boolean internal) {
        assertEquals(internal, OutboundGuard.isInternal(ip(address)));
    }

    @ParameterizedTest
    @CsvSource({
        // IPv4 ranges that are not the public internet
        "127.255.255.254, true", "0.1.2.3, true", "172.31.255.255, true", "172.32.0.1, false", "100.100.100.200, true",
        "100.128.0.1, false", "192.0.0.8, true", "192.0.2.1, true", "198.18.0.1, true", "198.19.255.255, true",
        "198.51.100.7, true", "203.0.113.9, true", "192.88.99.1, true", "240.0.0.1, true", "255.255.255.255, true",
        "239.255.255.250, true", "1.1.1.1, false",
        // cloud metadata endpoints
        "169.254.169.254, true", "169.254.170.2, true", "fd00:ec2::254, true",
        // IPv6 ranges that are not the public internet
        "::, true", "fec0::1, true", "ff02::1, true", "100::1, true", "2001:db8::1, true", "2001:2::1, true",
        "2001:10::1, true", "2001:20::1, true", "fc00::1, true",
        // IPv4 inside IPv6: mapped, compatible, NAT64, 6to4, Teredo
        "::127.0.0.1, true", "::7f00:1, true", "::8.8.8.8, true", "::a00:1, true",
        "64:ff9b::7f00:1, true", "64:ff9b::127.0.0.1, true", "64:ff9b::a9fe:a9fe, true", "64:ff9b::808:808, false",
        "64:ff9b:1::1, true",
        "2002:7f00:1::, true", "2002:a9fe:a9fe::1, true", "2002:c0a8:101::1, true", "2002:808:808::1, false",
        // Teredo: server 65.54.227.120, client obfuscated (bits inverted): 80ff:fffe is 127.0.0.1
        "2001:0:4136:e378:8000:63bf:80ff:fffe, true",
        // Teredo with a public server and the client 10.0.0.1 (f5ff:fffe)
        "2001:0:4136:e378:8000:63bf:f5ff:fffe, true",
        // Teredo with the server 127.0.0.1 and a public client 8.8.8.8 (f7f7:f7f7)
        "2001:0:7f00:1:8000:63bf:f7f7:f7f7, true",
        // Teredo with a public server and the public client 8.8.8.8
        "2001:0:4136:e378:8000:63bf:f7f7:f7f7, false"
    })
    void internalAddressesHiddenInOtherFormsAreRefused(String address, boolean internal) {
        assertEquals(internal, OutboundGuard.isInternal(ip(address)), address);
    }

    @Test
    void ipv4MappedAddressesAreJudgedByTheirIpv4Address() throws Exception {
        // ::ffff:127.0.0.1 and ::ffff:8.8.8.8 from their sixteen bytes
        assertTrue(OutboundGuard.isInternal(bytes(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1)));
        assertTrue(OutboundGuard.isInternal(bytes(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 169, 254, 169, 254)));
        assertEquals(false, OutboundGuard.isInternal(bytes(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 8, 8, 8, 8)));
        assertTrue(OutboundGuard.isInternal(ip("::ffff:127.0.0.1")));
        assertTrue(OutboundGuard.isInternal(ip("::ffff:7f00:1")));
        // IPv4-compatible ::127.0.0.1 from its bytes: Java keeps it an IPv6 address that isLoopbackAddress() misses
        InetAddress compatible = bytes(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 127, 0, 0, 1);
        assertEquals(false, compatible.isLoopbackAddress());
        assertTrue(OutboundGuard.isInternal(compatible));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "0177.0.0.1", "127.1", "127.0.1", "2130706433", "0x7f.1", "0x7f000001", "0x7F.0.0.1", "127.0.0.01",
        "127.000.0.1", "017700000001", "0", "0x", "00.0.0.0", "127.0.0.1.", "1.2.3.4.5", "256.1.1.1", "1.2.3.999",
        "127.0.0.0x1", "0x7f.0x0.0x0.0x1", "4294967295", "example.0x10", "www.123",
        "[::ffff:0177.0.0.1]", "[::ffff:127.1]", "[::127.0.0.01]", "[fe80::1%25eth0]", "[fe80::1%eth0]",
        "[::ffff:1.2.3]", "[1:2:3:4:5:6:7:8:9]", "[12345::1]", "[::g]", "[1::2::3]", "[]"
    })
    void numericHostsInANonCanonicalSpellingAreRefused(String host) {
        assertNotNull(OutboundGuard.misspelledNumber(host), host + " is refused");
        assertNull(OutboundGuard.literal(host), host + " is no literal to connect to");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "127.0.0.1", "8.8.8.8", "0.0.0.0", "10.0.0.1", "255.255.255.255", "[::1]", "[2606:4700::1111]",
        "[::ffff:127.0.0.1]", "[64:ff9b::7f00:1]", "[0:0:0:0:0:0:0:1]", "[2001:DB8::1]"
    })
    void canonicalLiteralsAreTakenAsAddresses(String host) {
        assertNull(OutboundGuard.misspelledNumber(host), host);
        assertNotNull(OutboundGuard.literal(host), host);
    }

    @ParameterizedTest
    @ValueSource(strings = {"hooks.slack.com", "api.billing.example.com", "1.2.3.4.nip.io", "deadbeef.com",
        "0x7f.example.com", "localhost", "123.example", "a1", "xn--bcher-kva.example"})
    void namesAreNoNumbers(String host) {
        assertNull(OutboundGuard.misspelledNumber(host), host);
        assertNull(OutboundGuard.literal(host), host + " is a name, resolved before it is called");
    }

    @Test
    void theMessageSaysWhatTheNumberMeansElsewhere() {
        String why = OutboundGuard.misspelledNumber("0177.0.0.1");
        assertTrue(why.contains("0177.0.0.1") && why.contains("a.b.c.d"), why);
    }

    @Test
    void aNameIsCalledOnlyAtTheAddressThatWasChecked() throws Exception {
        InetAddress publicAddress = bytes(93, 184, 216, 34);
        OutboundGuard.Decision d = OutboundGuard.choose("hooks.example.com", List.of(publicAddress), false);
        assertNull(d.refusal());
        assertEquals(publicAddress, d.address());
    }

    @Test
    void aNameWithAnyInternalAddressIsRefused() throws Exception {
        OutboundGuard.Decision d = OutboundGuard.choose("rebind.example.com",
                List.of(bytes(93, 184, 216, 34), bytes(127, 0, 0, 1)), false);
        assertNull(d.address());
        assertTrue(d.refusal().contains("127.0.0.1") && d.refusal().contains("rebind.example.com"), d.refusal());
        OutboundGuard.Decision mapped = OutboundGuard.choose("mapped.example.com",
                List.of(bytes(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 127, 0, 0, 1)), false);
        assertNull(mapped.address());
    }

    @Test
    void internalAddressesAreCalledWhenAllowed() throws Exception {
        InetAddress loopback = bytes(127, 0, 0, 1);
        OutboundGuard.Decision d = OutboundGuard.choose("localhost", List.of(loopback, ip("::1")), true);
        assertNull(d.refusal());
        assertEquals(loopback, d.address());
    }

    @Test
    void aNameWithoutAddressesIsRefused() {
        assertNotNull(OutboundGuard.choose("nothing.example.com", List.of(), true).refusal());
    }
}
