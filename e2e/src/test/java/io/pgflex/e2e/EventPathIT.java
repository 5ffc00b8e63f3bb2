package io.pgflex.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgflex.contracts.events.CloudEvents;
import io.pgflex.contracts.events.Topics;
import io.pgflex.testkit.KafkaBroker;
import io.pgflex.testkit.PostgresCluster;
import io.pgflex.testkit.RecordWriter;
import io.pgflex.testkit.TopicReader;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The event path across two services, as deployed: provisioning-service and ha-service run as their
 * own processes from their packaged jars, against a real broker and a real PostgreSQL with one
 * database per service. A server created through provisioning's API is announced through its
 * outbox and applied exactly once by ha-service, also when Kafka delivers the same event again.
 */
class EventPathIT {
    static KafkaBroker kafka;
    static PostgresCluster postgres;
    static ServiceProcess provisioning;
    static ServiceProcess ha;

    @BeforeAll
    static void startServices() throws Exception {
        kafka = KafkaBroker.shared();
        postgres = PostgresCluster.shared();
        provisioning = ServiceProcess.start("provisioning-service", freePort(), env(postgres.createDatabase("provisioning")));
        ha = ServiceProcess.start("ha-service", freePort(), env(postgres.createDatabase("ha")));
    }

    @AfterAll
    static void stopServices() {
        if (ha != null) {
            ha.close();
        }
        if (provisioning != null) {
            provisioning.close();
        }
    }

    static Map<String, String> env(String database) {
        return Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "QUARKUS_DATASOURCE_JDBC_URL", postgres.jdbcUrl(database),
                "QUARKUS_DATASOURCE_USERNAME", postgres.username(),
                "QUARKUS_DATASOURCE_PASSWORD", "");
    }

    @Test
    void serverCreatedInProvisioningIsAppliedOnceByHaServiceEvenWhenRedelivered() throws Exception {
        HttpResponse<String> created = provisioning.put(
                "/subscriptions/sub-e2e/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/flexibleServers/e2e-one"
                        + "?api-version=2025-08-01",
                """
                {"location": "local", "sku": {"name": "Standard_D2ds_v5", "tier": "GeneralPurpose"},
                 "properties": {"version": "16", "administratorLogin": "appadmin",
                   "administratorLoginPassword": "S3cret-pass!", "highAvailability": {"mode": "ZoneRedundant"}}}""");
        assertEquals(201, created.statusCode(), created.body());

        // the event as provisioning published it through its outbox
        ConsumerRecord<String, byte[]> event;
        try (TopicReader reader = new TopicReader(kafka.bootstrapServers(), Topics.SERVERS)) {
            event = reader.await(r -> TopicReader.value(r).contains("\"name\":\"e2e-one\""), 1, Duration.ofSeconds(30)).get(0);
        }
        String serverId = event.key();
        assertEquals("pgflex.ServerRequested", TopicReader.header(event, CloudEvents.HEADER_TYPE));

        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> ha.get("/internal/v1/servers/" + serverId).statusCode() == 200);
        String view = ha.get("/internal/v1/servers/" + serverId).body();
        assertEquals(1, eventsHandled(view), view);
        assertTrue(view.contains("\"haMode\":\"ZoneRedundant\""), view);

        // Kafka delivers the very same record again (same ce_id), then a new event of the same server
        try (RecordWriter writer = new RecordWriter(kafka.bootstrapServers())) {
            writer.send(new ProducerRecord<>(Topics.SERVERS, null, event.key(), event.value(), event.headers()));
            writer.cloudEvent(Topics.SERVERS, serverId, java.util.UUID.randomUUID().toString(), "pgflex.ServerStopped",
                    "{\"serverId\":\"" + serverId + "\",\"subscriptionId\":\"sub-e2e\",\"version\":1,\"name\":\"e2e-one\","
                            + "\"stoppedAt\":\"2026-11-24T12:00:00Z\"}");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> ha.get("/internal/v1/servers/" + serverId).body()
                .contains("pgflex.ServerStopped"));
        assertEquals(2, eventsHandled(ha.get("/internal/v1/servers/" + serverId).body()),
                "the redelivered ServerRequested was applied again");
    }

    static int eventsHandled(String json) {
        Matcher m = Pattern.compile("\"eventsHandled\":(\\d+)").matcher(json);
        assertTrue(m.find(), json);
        return Integer.parseInt(m.group(1));
    }

    static int freePort() throws java.io.IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
