package io.pgflex.monitoring.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WebhookSenderTest {
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', textBlock = """
            127.0.0.1         | a loopback or unspecified address
            ::1               | a loopback or unspecified address
            0.0.0.0           | a loopback or unspecified address
            169.254.169.254   | a link-local address (169.254.0.0/16, fe80::/10: cloud metadata lives here)
            fe80::1           | a link-local address (169.254.0.0/16, fe80::/10: cloud metadata lives here)
            10.1.2.3          | a private address (10/8, 172.16/12, 192.168/16, fc00::/7)
            172.31.0.1        | a private address (10/8, 172.16/12, 192.168/16, fc00::/7)
            192.168.1.1       | a private address (10/8, 172.16/12, 192.168/16, fc00::/7)
            fd00::1           | a private address (10/8, 172.16/12, 192.168/16, fc00::/7)
            100.64.0.1        | a carrier-grade NAT address (100.64.0.0/10)
            100.127.255.254   | a carrier-grade NAT address (100.64.0.0/10)
            198.18.0.1        | a reserved address (0/8, 192.0.0.0/24, 198.18.0.0/15, 240.0.0.0/4)
            240.0.0.1         | a reserved address (0/8, 192.0.0.0/24, 198.18.0.0/15, 240.0.0.0/4)
            224.0.0.1         | a multicast address
            2002:a00:1::      | a 6to4 or NAT64 address (it leads to IPv4 behind it)
            64:ff9b::a00:1    | a 6to4 or NAT64 address (it leads to IPv4 behind it)
            """)
    void refusesEveryAddressThatIsNotPublic(String address, String reason) throws Exception {
        assertEquals(reason, WebhookSender.notPublic(java.net.InetAddress.getByName(address)));
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"93.184.216.34", "100.128.0.1", "2606:4700::1111", "8.8.8.8"})
    void letsAPublicAddressThrough(String address) throws Exception {
        assertEquals(null, WebhookSender.notPublic(java.net.InetAddress.getByName(address)));
    }

    @Test
    void backsOffFromTenSecondsDoublingToAnHour() {
        assertEquals(Duration.ofSeconds(10), WebhookSender.backoff(1));
        assertEquals(Duration.ofSeconds(20), WebhookSender.backoff(2));
        assertEquals(Duration.ofSeconds(640), WebhookSender.backoff(7));
        assertEquals(Duration.ofSeconds(2560), WebhookSender.backoff(9));
        assertEquals(Duration.ofHours(1), WebhookSender.backoff(10));
        assertEquals(Duration.ofHours(1), WebhookSender.backoff(40));
    }
}
