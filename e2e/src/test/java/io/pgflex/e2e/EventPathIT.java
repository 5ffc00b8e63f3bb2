package io.pgflex.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgflex.contracts.events.CloudEvents;
import io.pgflex.contracts.events.Topics;
import io.pgflex.testkit.KafkaBroker;
import io.pgflex.testkit.RecordWriter;
import io.pgflex.testkit.TopicReader;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * The event path across two services, as deployed: a server created through provisioning-service's
 * API is announced through its outbox and applied exactly once by ha-service, also when Kafka
 * delivers the same record again.
 */
class EventPathIT {
    static final String SUB = "sub-e2e-events";

    @Test
    void serverCreatedInProvisioningIsAppliedOnceByHaServiceEvenWhenRedelivered() throws Exception {
        Stack.start();
        String body = Stack.serverBody("15", "appadmin", "S3cret-pass!")
                .replace("Standard_B2s\", \"tier\": \"Burstable", "Standard_D2ds_v5\", \"tier\": \"GeneralPurpose")
                .replace("\"version\": \"15\"", "\"version\": \"15\", \"highAvailability\": {\"mode\": \"ZoneRedundant\"}");
        var created = Stack.api(SUB).body(body).put(Stack.servers(SUB, "rg") + "/e2e-events");
        assertEquals(201, created.statusCode(), created.asString());

        try (TopicReader reader = new TopicReader(KafkaBroker.shared().bootstrapServers(), Topics.SERVERS)) {
            ConsumerRecord<String, byte[]> event = reader.await(r -> TopicReader.value(r).contains("\"name\":\"e2e-events\"")
                    && "pgflex.ServerRequested".equals(TopicReader.header(r, CloudEvents.HEADER_TYPE)), 1, Duration.ofSeconds(30)).get(0);
            String serverId = event.key();

            await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> Stack.ha().get("/internal/v1/servers/" + serverId).statusCode() == 200);
            String view = Stack.ha().get("/internal/v1/servers/" + serverId).body();
            assertTrue(view.contains("\"haMode\":\"ZoneRedundant\""), view);

            // ServerProvisioned follows once the instance runs; then Kafka delivers ServerRequested again (same ce_id)
            await().atMost(Duration.ofSeconds(60)).until(() -> Stack.ha().get("/internal/v1/servers/" + serverId).body()
                    .contains("pgflex.ServerProvisioned"));
            String markerId = UUID.randomUUID().toString();
            try (RecordWriter writer = new RecordWriter(KafkaBroker.shared().bootstrapServers())) {
                writer.send(new ProducerRecord<>(Topics.SERVERS, null, event.key(), event.value(), event.headers()));
                writer.cloudEvent(Topics.SERVERS, serverId, markerId, "pgflex.ServerStopped",
                        "{\"serverId\":\"" + serverId + "\",\"subscriptionId\":\"" + SUB + "\",\"version\":1,\"name\":\"e2e-events\","
                                + "\"stoppedAt\":\"2026-11-24T12:00:00Z\"}");
            }
            // Other events of this server (endpoint, HA) keep arriving meanwhile; ha-service has applied each
            // distinct event id once when its count equals the distinct ids on the server's key, the marker included.
            await("ha-service has applied each distinct event of the server once (a second application of the"
                    + " redelivered ServerRequested leaves its count one above for good)").atMost(Duration.ofSeconds(30))
                    .until(() -> distinctIds(reader, serverId, markerId) > 0
                            && eventsHandled(Stack.ha().get("/internal/v1/servers/" + serverId).body()) == distinctIds(reader, serverId, null));
        }
    }

    /** Distinct event ids on the server's key seen so far; with {@code mustInclude}, 0 until that id has been seen. */
    static long distinctIds(TopicReader reader, String serverId, String mustInclude) {
        var ids = reader.seen().stream().filter(r -> serverId.equals(r.key()))
                .map(r -> TopicReader.header(r, CloudEvents.HEADER_ID)).collect(java.util.stream.Collectors.toSet());
        return mustInclude != null && !ids.contains(mustInclude) ? 0 : ids.size();
    }

    static int eventsHandled(String json) {
        Matcher m = Pattern.compile("\"eventsHandled\":(\\d+)").matcher(json);
        assertTrue(m.find(), json);
        return Integer.parseInt(m.group(1));
    }
}
