package io.pgflex.provisioning.server;

import io.pgflex.contracts.events.Topics;
import io.pgflex.provisioning.model.ServerEntity;
import io.pgflex.support.outbox.OutboxRelay;
import io.pgflex.testkit.KafkaBroker;
import io.pgflex.testkit.KafkaResource;
import io.pgflex.testkit.PostgresResource;
import io.pgflex.testkit.TopicReader;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Killing the broker for 30 s while events are written loses none of them: the outbox holds them. */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(io.pgflex.testkit.JwtResource.class)
@QuarkusTestResource(io.pgflex.testkit.NodeAgentResource.class)
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
                io.pgflex.provisioning.Api.owner("sub-outage").body(io.pgflex.provisioning.Api.validBody())
                        .when().put(io.pgflex.provisioning.Api.servers("sub-outage", "rg") + "/" + name)
                        .then().statusCode(201);
            }
            // the broker stays away for 30 s; the five ServerRequested events wait in the outbox the whole time
            // (ServerProvisioned events of the servers becoming ready join them)
            await().during(Duration.ofSeconds(30)).atMost(Duration.ofSeconds(40)).until(() -> relay.pending() >= 5);
        } finally {
            broker.start();
        }

        Set<String> ids = names.stream()
                .map(n -> ServerEntity.<ServerEntity>find("name", n).firstResult().id.toString())
                .collect(Collectors.toSet());
        try (TopicReader reader = new TopicReader(broker.bootstrapServers(), Topics.SERVERS)) {
            var records = reader.await(r -> ids.contains(r.key())
                    && "pgflex.ServerRequested".equals(TopicReader.header(r, "ce_type")), ids.size(), Duration.ofSeconds(60));
            assertEquals(ids, records.stream().map(r -> r.key()).collect(Collectors.toSet()));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> relay.pending() == 0);
    }
}
