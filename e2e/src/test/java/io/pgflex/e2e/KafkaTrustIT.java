package io.pgflex.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgflex.contracts.events.CloudEvents;
import io.pgflex.contracts.events.Topics;
import io.pgflex.testkit.KafkaBroker;
import io.pgflex.testkit.RecordWriter;
import io.pgflex.testkit.TopicReader;
import java.time.Duration;
import java.util.UUID;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

/**
 * The broker as the platform runs it (mutual TLS, principal = certificate CN, the ACLs of
 * kafka-access): nobody can forge an EndpointUpdated on pgflex.servers but provisioning-service.
 */
class KafkaTrustIT {
    static final String FORGED = "{\"serverId\":\"00000000-0000-0000-0000-00000000f0f0\",\"name\":\"forged\"}";

    @Test
    void aClientWithoutCertificateIsRefusedByTheBroker() {
        Throwable e = forgeEndpointAs(null);
        assertTrue(causes(e, SslAuthenticationException.class), () -> "not an authentication failure: " + chain(e));
    }

    @Test
    void monitoringServiceMayNotWriteServerEvents() {
        Throwable e = forgeEndpointAs("monitoring-service");
        assertTrue(causes(e, TopicAuthorizationException.class), () -> "not refused by the ACLs: " + chain(e));
    }

    @Test
    void aNodeAgentMayNotWriteServerEvents() {
        KafkaBroker.shared().allowAgent("trust-agent");
        Throwable e = forgeEndpointAs("node-agent.trust-agent");
        assertTrue(causes(e, TopicAuthorizationException.class), () -> "not refused by the ACLs: " + chain(e));
    }

    /** Writes an EndpointUpdated to pgflex.servers as {@code identity} (null: no certificate); returns why it failed. */
    private static Throwable forgeEndpointAs(String identity) {
        return assertThrows(IllegalStateException.class, () -> {
            try (RecordWriter w = new RecordWriter(KafkaBroker.shared().bootstrapServers(), identity)) {
                w.cloudEvent(Topics.SERVERS, "forged", UUID.randomUUID().toString(), "pgflex.EndpointUpdated", FORGED);
            }
        }, "the broker accepted an EndpointUpdated from " + identity);
    }

    @Test
    void provisioningServiceWritesServerEventsThatAreReadBack() {
        String id = UUID.randomUUID().toString();
        try (RecordWriter w = new RecordWriter(KafkaBroker.shared().bootstrapServers(), "provisioning-service");
             TopicReader reader = new TopicReader(KafkaBroker.shared().bootstrapServers(), Topics.SERVERS)) {
            // a type nobody routes on (ACLs are per topic): the services dead-letter it, routers ignore it
            w.cloudEvent(Topics.SERVERS, "kafka-trust", id, "pgflex.KafkaTrustCheck", FORGED);
            var seen = reader.await(r -> id.equals(TopicReader.header(r, CloudEvents.HEADER_ID)), 1, Duration.ofSeconds(30));
            assertEquals("kafka-trust", seen.get(0).key());
        }
    }

    @Test
    void theSetUpKeepsServerEventsForGoodSoARouterCanRebuildEveryEndpoint() throws Exception {
        var topic = new org.apache.kafka.common.config.ConfigResource(org.apache.kafka.common.config.ConfigResource.Type.TOPIC,
                Topics.SERVERS);
        try (var admin = KafkaBroker.shared().admin()) {
            // the change is accepted before every part of the broker shows it
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertEquals("-1",
                    admin.describeConfigs(java.util.List.of(topic)).all().get().get(topic).get("retention.ms").value()));
        }
    }

    private static boolean causes(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String chain(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            b.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage()).append(" <- ");
        }
        return b.toString();
    }
}
