package io.pgflex.testkit;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Quarkus test resource: points {@code kafka.bootstrap.servers} at the real broker of this test
 * JVM. Argument {@code topics} (comma-separated) creates topics with 3 partitions first.
 */
public class KafkaResource implements QuarkusTestResourceLifecycleManager {
    private String topics = "";

    @Override
    public void init(Map<String, String> initArgs) {
        topics = initArgs.getOrDefault("topics", "");
    }

    @Override
    public Map<String, String> start() {
        KafkaBroker broker = KafkaBroker.shared();
        if (!topics.isBlank()) {
            broker.createTopics(3, java.util.Arrays.asList(topics.split(",")));
        }
        return Map.of("kafka.bootstrap.servers", broker.bootstrapServers());
    }

    @Override
    public void stop() {
        // the broker lives as long as the test JVM; it is shared by every test class
    }
}
