package dev.triggerfish.action;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;

class OutboundGuardTest {

    @ParameterizedTest
    @CsvSource({
        "127.0.0.1, true", "10.1.2.3, true", "172.16.0.1, true", "192.168.1.1, true", "169.254.169.254, true",
        "0.0.0.0, true", "100.64.0.1, true", "::1, true", "fd00::1, true", "fe80::1, true", "224.0.0.1, true",
        "8.8.8.8, false", "93.184.216.34, false", "2606:4700::1111, false"
    })
    void internalAddressesAreRefusedByDefault(String address, boolean internal) throws Exception {
        assertEquals(internal, OutboundGuard.isInternal(InetAddress.getByName(address)));
    }
}
