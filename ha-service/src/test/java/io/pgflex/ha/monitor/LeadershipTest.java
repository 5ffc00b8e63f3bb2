package io.pgflex.ha.monitor;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgflex.testkit.KafkaResource;
import io.pgflex.testkit.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** Two ha-service replicas on one database: one leads, the other takes over when the leader's session ends. */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
class LeadershipTest {
    @Inject
    Leadership running;

    /** Another lock than the running service's, so that its own monitor does not take part. */
    static final long KEY = Leadership.LOCK_KEY + 1;

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String url;
    @ConfigProperty(name = "quarkus.datasource.username")
    String user;
    @ConfigProperty(name = "quarkus.datasource.password")
    java.util.Optional<String> password;

    @Test
    void oneReplicaLeadsAndAnotherTakesOverWhenItsSessionEnds() {
        await("the running service leads").atMost(Duration.ofSeconds(10)).until(running::lead);
        Leadership first = new Leadership(KEY, url, user, password.orElse(""));
        Leadership second = new Leadership(KEY, url, user, password.orElse(""));
        assertTrue(first.lead());
        assertFalse(second.lead(), "a second replica does not lead while the first does");
        assertTrue(first.lead(), "the leader keeps leading");

        first.stop(null); // the leader's session ends (as when its process dies)
        assertTrue(second.lead(), "the second replica takes over");
        assertFalse(first.lead(), "the first does not lead again while the second does");
        second.stop(null);
    }
}
