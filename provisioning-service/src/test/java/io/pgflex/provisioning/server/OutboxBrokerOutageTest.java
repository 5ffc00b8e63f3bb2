package io.pgflex.provisioning.server;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pgflex.contracts.events.Topics;
import io.pgflex.support.outbox.OutboxRelay;
import io.pgflex.testkit.KafkaBroker;
import io.pgflex.testkit.KafkaResource;
import io.pgflex.testkit.PostgresResource;
import io.pgflex.testkit.TopicReader;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Killing the broker for 30 s while events are written loses none of them: the outbox holds them. */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
class OutboxBrokerOutageTest {

    @Inject
    OutboxRelay relay;

    @Test
    void eventsWrittenWhileTheBrokerIsDownArePublishedWhenItReturns() {
        KafkaBroker broker = KafkaBroker.shared();
        await().atMost(Duration.ofSeconds(30)).until(() -> relay.pending() == 0);

        broker.stop();
        List<String> names = IntStream.range(0, 5).mapToObj(i -> "outage-" + i).toList();
        try {
            for (String name : names) {
                given().contentType(ContentType.JSON).body(ServerEventsTest.body()).queryParam("api-version", "2025-08-01")
                        .when().put(ServerEventsTest.BASE + name)
                        .then().statusCode(201);
            }
            // the broker stays away for 30 s; all five events wait in the outbox the whole time
            await().during(Duration.ofSeconds(30)).atMost(Duration.ofSeconds(40)).until(() -> relay.pending() == 5);
        } finally {
            broker.start();
        }

        Set<String> ids = names.stream()
                .map(n -> ServerEntity.<ServerEntity>find("name", n).firstResult().id.toString())
                .collect(Collectors.toSet());
        try (TopicReader reader = new TopicReader(broker.bootstrapServers(), Topics.SERVERS)) {
            var records = reader.await(r -> ids.contains(r.key()), ids.size(), Duration.ofSeconds(60));
            assertEquals(ids, records.stream().map(r -> r.key()).collect(Collectors.toSet()));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> relay.pending() == 0);
    }
}
