package io.pgflex.provisioning.server;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgflex.contracts.events.CloudEvents;
import io.pgflex.contracts.events.Topics;
import io.pgflex.testkit.KafkaBroker;
import io.pgflex.testkit.KafkaResource;
import io.pgflex.testkit.PostgresResource;
import io.pgflex.testkit.TopicReader;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
class ServerEventsTest {
    static final String BASE = "/subscriptions/sub-a/resourceGroups/rg1/providers/Microsoft.DBforPostgreSQL/flexibleServers/";

    static String body() {
        return """
                {"location": "local", "sku": {"name": "Standard_D2ds_v5", "tier": "GeneralPurpose"},
                 "properties": {"version": "16", "administratorLogin": "appadmin",
                   "administratorLoginPassword": "S3cret-pass!", "storage": {"storageSizeGB": 64}}}""";
    }

    @Test
    void createPublishesServerRequestedAsCloudEventKeyedByServerId() {
        try (TopicReader reader = new TopicReader(KafkaBroker.shared().bootstrapServers(), Topics.SERVERS)) {
            String name = "events-one";
            given().contentType(ContentType.JSON).body(body()).queryParam("api-version", "2025-08-01")
                    .when().put(BASE + name)
                    .then().statusCode(201).body("properties.state", equalTo("Provisioning"))
                    .body("properties.administratorLoginPassword", equalTo(null));
            String serverId = ServerEntity.<ServerEntity>find("name", name).firstResult().id.toString();

            ConsumerRecord<String, byte[]> record = reader.await(r -> serverId.equals(r.key()), 1, Duration.ofSeconds(30)).get(0);

            assertEquals("pgflex.ServerRequested", TopicReader.header(record, CloudEvents.HEADER_TYPE));
            assertEquals("1.0", TopicReader.header(record, CloudEvents.HEADER_SPEC_VERSION));
            assertEquals("/pgflex/provisioning-service", TopicReader.header(record, CloudEvents.HEADER_SOURCE));
            assertNotNull(TopicReader.header(record, CloudEvents.HEADER_ID));
            String data = TopicReader.value(record);
            assertTrue(data.contains("\"serverId\":\"" + serverId + "\""), data);
            assertTrue(data.contains("\"subscriptionId\":\"sub-a\""), data);
            assertFalse(data.contains("S3cret-pass!"), "the admin password never travels in events");
        }
    }

    @Test
    void rejectsUnsupportedApiVersionAndCreatesNothing() {
        given().contentType(ContentType.JSON).body(body()).queryParam("api-version", "2017-12-01")
                .when().put(BASE + "bad-version")
                .then().statusCode(400).body("error.code", equalTo("InvalidApiVersionParameter"));
        given().queryParam("api-version", "2025-08-01").when().get(BASE + "bad-version")
                .then().statusCode(404).body("error.code", equalTo("ResourceNotFound"));
    }

    @Test
    void rejectsInvalidNameWithArmErrorAndCreatesNothing() {
        given().contentType(ContentType.JSON).body(body()).queryParam("api-version", "2025-08-01")
                .when().put(BASE + "-bad-")
                .then().statusCode(400).body("error.code", equalTo("InvalidServerName"))
                .body("error.target", equalTo("name"));
        assertEquals(0, ServerEntity.count("name", "-bad-"));
    }
}
