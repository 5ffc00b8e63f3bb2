package io.pgflex.ha.servers;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgflex.contracts.events.Topics;
import io.pgflex.testkit.KafkaBroker;
import io.pgflex.testkit.KafkaResource;
import io.pgflex.testkit.PostgresResource;
import io.pgflex.testkit.RecordWriter;
import io.pgflex.testkit.TopicReader;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
class ServerEventsListenerTest {
    RecordWriter writer;

    @BeforeEach
    void open() {
        writer = new RecordWriter(KafkaBroker.shared().bootstrapServers());
    }

    @AfterEach
    void close() {
        writer.close();
    }

    static String requested(String serverId, String name) {
        return """
                {"serverId":"%s","subscriptionId":"sub-a","operationId":null,"version":1,"resourceGroup":"rg1",
                 "name":"%s","location":"local","skuName":"Standard_D2ds_v5","skuTier":"GeneralPurpose",
                 "engineVersion":"16","storageSizeGb":32,"haMode":"ZoneRedundant","backupRetentionDays":7,
                 "createMode":"Default","requestedAt":"2026-11-24T10:00:00Z"}""".formatted(serverId, name);
    }

    static String started(String serverId) {
        return """
                {"serverId":"%s","subscriptionId":"sub-a","operationId":null,"version":1,"name":"x",
                 "automatic":false,"startedAt":"2026-11-24T10:05:00Z"}""".formatted(serverId);
    }

    JsonPath view(String serverId) {
        return given().when().get("/internal/v1/servers/" + serverId).then().extract().jsonPath();
    }

    @Test
    void redeliveredEventIsAppliedOnce() {
        String serverId = UUID.randomUUID().toString();
        String eventId = UUID.randomUUID().toString();
        writer.cloudEvent(Topics.SERVERS, serverId, eventId, "pgflex.ServerRequested", requested(serverId, "ha-once"));
        writer.cloudEvent(Topics.SERVERS, serverId, eventId, "pgflex.ServerRequested", requested(serverId, "ha-once"));
        // a later, different event of the same server: once it is applied, the duplicate before it was seen too
        writer.cloudEvent(Topics.SERVERS, serverId, UUID.randomUUID().toString(), "pgflex.ServerStarted", started(serverId));

        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> "pgflex.ServerStarted".equals(view(serverId).getString("lastEventType")));
        JsonPath v = view(serverId);
        assertEquals(2, v.getInt("eventsHandled"), "the redelivered ServerRequested must not be applied twice");
        assertEquals("ZoneRedundant", v.getString("haMode"));
        assertEquals("NotEnabled", v.getString("haState"));
    }

    @Test
    void malformedEventsGoToTheDeadLetterTopicWithTheirReasonAndConsumptionGoesOn() {
        String serverId = UUID.randomUUID().toString();
        try (TopicReader dlq = new TopicReader(KafkaBroker.shared().bootstrapServers(), Topics.dlq(Topics.SERVERS))) {
            writer.send(new ProducerRecord<>(Topics.SERVERS, serverId, RecordWriter.bytes("{not json at all")));
            writer.cloudEvent(Topics.SERVERS, serverId, UUID.randomUUID().toString(), "pgflex.ServerRequested", "{not json");
            writer.cloudEvent(Topics.SERVERS, serverId, UUID.randomUUID().toString(), "pgflex.NoSuchEvent", "{}");
            writer.cloudEvent(Topics.SERVERS, serverId, UUID.randomUUID().toString(), "pgflex.ServerRequested",
                    requested(serverId, "after-poison"));

            var dead = dlq.await(r -> serverId.equals(r.key()), 3, Duration.ofSeconds(30));
            assertEquals(3, dead.size());
            assertTrue(TopicReader.header(dead.get(0), "dead-letter-reason").contains("ce_specversion"),
                    TopicReader.header(dead.get(0), "dead-letter-reason"));
            assertTrue(TopicReader.header(dead.get(1), "dead-letter-reason").contains("unreadable data"),
                    TopicReader.header(dead.get(1), "dead-letter-reason"));
            assertTrue(TopicReader.header(dead.get(2), "dead-letter-reason").contains("unknown event type pgflex.NoSuchEvent"),
                    TopicReader.header(dead.get(2), "dead-letter-reason"));
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().when().get("/internal/v1/servers/" + serverId)
                .then().statusCode(200).body("name", containsString("after-poison")));
    }
}
