package io.pgflex.provisioning.server;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgflex.contracts.events.CloudEvents;
import io.pgflex.contracts.events.Topics;
import io.pgflex.provisioning.Api;
import io.pgflex.testkit.JwtResource;
import io.pgflex.testkit.KafkaBroker;
import io.pgflex.testkit.KafkaResource;
import io.pgflex.testkit.NodeAgentResource;
import io.pgflex.testkit.PostgresResource;
import io.pgflex.testkit.TopicReader;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A server stopped longer than the auto-start period is started again, and says so (Azure: 7 days; here seconds). */
@QuarkusTest
@TestProfile(AutoStartTest.ShortAutoStart.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(JwtResource.class)
@QuarkusTestResource(NodeAgentResource.class)
class AutoStartTest {
    static final String SUB = "sub-autostart";

    public static class ShortAutoStart implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pgflex.provisioning.auto-start-after", "PT3S", "pgflex.provisioning.auto-start-check", "1s");
        }
    }

    @Test
    void stoppedServerIsStartedAgainAfterThePeriod() {
        String base = Api.servers(SUB, "rg") + "/auto-start";
        Response created = Api.owner(SUB).body(Api.validBody()).when().put(base);
        assertEquals("Succeeded", Api.awaitOperation(SUB, created));
        try (TopicReader events = new TopicReader(KafkaBroker.shared().bootstrapServers(), Topics.SERVERS)) {
            assertEquals("Succeeded", Api.awaitOperation(SUB, Api.owner(SUB).when().post(base + "/stop")));
            Api.owner(SUB).when().get(base).then().body("properties.state", equalTo("Stopped"));

            var started = events.await(r -> "pgflex.ServerStarted".equals(TopicReader.header(r, CloudEvents.HEADER_TYPE))
                    && TopicReader.value(r).contains("\"name\":\"auto-start\""), 1, Duration.ofSeconds(60)).get(0);
            assertTrue(TopicReader.value(started).contains("\"automatic\":true"), TopicReader.value(started));
        }
        Api.owner(SUB).when().get(base).then().body("properties.state", equalTo("Ready"));
        assertEquals("Succeeded", Api.awaitOperation(SUB, Api.owner(SUB).when().delete(base)));
    }
}
