package io.pgflex.maintenance.servers;

import io.pgflex.maintenance.window.MaintenanceWindow;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pgflex.contracts.events.Topics;
import io.pgflex.testkit.KafkaBroker;
import io.pgflex.testkit.KafkaResource;
import io.pgflex.testkit.PostgresResource;
import io.pgflex.testkit.RecordWriter;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
class ServerEventsListenerTest {

    @Test
    void reportsUpOnceDatabaseAndKafkaAnswer() {
        given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void followsServersAsTheyAreRequestedAndDeleted() {
        String serverId = UUID.randomUUID().toString();
        try (RecordWriter writer = new RecordWriter(KafkaBroker.shared().bootstrapServers())) {
            writer.cloudEvent(Topics.SERVERS, serverId, UUID.randomUUID().toString(), "pgflex.ServerRequested", """
                    {"serverId":"%s","subscriptionId":"sub-a","version":1,"resourceGroup":"rg1","name":"s1",
                     "location":"local","skuName":"Standard_B1ms","skuTier":"Burstable","engineVersion":"16",
                     "storageSizeGb":32,"haMode":"Disabled","backupRetentionDays":14,"createMode":"Default",
                     "requestedAt":"2026-11-24T10:00:00Z"}""".formatted(serverId));
            MaintenanceWindow row = await().atMost(Duration.ofSeconds(30))
                    .until(() -> find(serverId), r -> r != null);
            assertEquals("sub-a", row.subscriptionId);
            assertEquals(false, row.customWindow);
            io.pgflex.maintenance.plan.Window night = io.pgflex.maintenance.plan.Window.systemManaged(UUID.fromString(serverId));
            assertEquals(List.of(night.dayOfWeek(), night.startHour(), night.startMinute()),
                    List.of(row.dayOfWeek, row.startHour, row.startMinute), "the server's system-managed night slot");

            writer.cloudEvent(Topics.SERVERS, serverId, UUID.randomUUID().toString(), "pgflex.ServerDeleted", """
                    {"serverId":"%s","subscriptionId":"sub-a","version":1,"name":"s1",
                     "deletedAt":"2026-11-24T11:00:00Z"}""".formatted(serverId));
            await().atMost(Duration.ofSeconds(30)).until(() -> find(serverId) == null);
        }
    }

    static MaintenanceWindow find(String serverId) {
        return QuarkusTransaction.requiringNew().call(() -> MaintenanceWindow.<MaintenanceWindow>findById(UUID.fromString(serverId)));
    }
}
