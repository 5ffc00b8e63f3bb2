package io.pgflex.agent.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What a server's certificate names, so verify-full holds wherever clients reach it. */
class CertificateNamesTest {

    @Test
    void theEndpointHostOfARouterElsewhereIsNamed() {
        // given an agent on its own host and routers clients reach as db.example.net
        InstanceSetup.CertificateNames names = InstanceSetup.certificateNames("agent-1.internal", "orders", List.of("db.example.net"));

        // then the certificate names the router's host, the agent's and the server's, and localhost
        assertEquals(List.of("agent-1.internal", "orders", "db.example.net", "localhost"), names.hostNames());
        assertEquals(List.of("127.0.0.1"), names.ipAddresses());
    }

    @Test
    void addressesAreNamedAsAddressesNotAsDnsNames() {
        // given an agent advertised by its address and an endpoint reached by address
        InstanceSetup.CertificateNames names = InstanceSetup.certificateNames("10.213.250.11", "orders", List.of("192.0.2.7"));

        // then both are IP SANs and the server's name is the first DNS name (the CN)
        assertEquals(List.of("orders", "localhost"), names.hostNames());
        assertEquals(List.of("10.213.250.11", "192.0.2.7", "127.0.0.1"), names.ipAddresses());
    }

    @Test
    void theLocalStacksNamesAppearOnce() {
        // given the local stack: agent, endpoint and localhost all the same name
        InstanceSetup.CertificateNames names = InstanceSetup.certificateNames("localhost", "orders", List.of("localhost"));

        // then no name twice
        assertEquals(List.of("localhost", "orders"), names.hostNames());
        assertEquals(List.of("127.0.0.1"), names.ipAddresses());
    }
}
