package io.pgflex.testkit;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Quarkus test resource: points {@code kafka.bootstrap.servers} at the real broker of this test
 * JVM and gives the component under test its certificate ({@code pgflex.tls.pem}, {@code .ca}), so
 * it reaches the broker over mutual TLS as its own Kafka principal, with only its own rights. The
 * identity is the application's name ({@code quarkus.application.name}; the node agent is
 * {@code node-agent.agent-1}, whose ACLs are granted here), or argument {@code identity}. Argument
 * {@code topics} (comma-separated) creates further topics with 3 partitions first.
 */
public class KafkaResource implements QuarkusTestResourceLifecycleManager {
    private String topics = "";
    private String identity;

    @Override
    public void init(Map<String, String> initArgs) {
        topics = initArgs.getOrDefault("topics", "");
        identity = initArgs.get("identity");
    }

    @Override
    public Map<String, String> start() {
        KafkaBroker broker = KafkaBroker.shared();
        if (!topics.isBlank()) {
            broker.createTopics(3, java.util.Arrays.asList(topics.split(",")));
        }
        String who = identity != null ? identity : identityOfApplication();
        if (who.startsWith(io.pgflex.kafka.KafkaAccess.AGENT_PREFIX)) {
            broker.allowAgent(who.substring(io.pgflex.kafka.KafkaAccess.AGENT_PREFIX.length()));
        }
        Map<String, String> config = new LinkedHashMap<>();
        config.put("kafka.bootstrap.servers", broker.bootstrapServers());
        config.put("pgflex.tls.pem", Pki.pem(who).toString());
        config.put("pgflex.tls.ca", Pki.ca().toString());
        return config;
    }

    private static String identityOfApplication() {
        Properties p = new Properties();
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream("application.properties")) {
            if (in == null) {
                throw new IllegalStateException("KafkaResource: no application.properties to read quarkus.application.name from;"
                        + " give argument identity");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String name = p.getProperty("quarkus.application.name");
        if (name == null) {
            throw new IllegalStateException("KafkaResource: quarkus.application.name is not set; give argument identity");
        }
        return name.equals("node-agent") ? NodeAgentResource.identity("agent-1") : name;
    }

    @Override
    public void stop() {
        // the broker lives as long as the test JVM; it is shared by every test class
    }
}
