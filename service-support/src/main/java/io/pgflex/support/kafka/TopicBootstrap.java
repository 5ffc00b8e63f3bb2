package io.pgflex.support.kafka;

import io.pgflex.contracts.events.Topics;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Makes sure every pgflex topic and its dead-letter topic exist, with the configured partition
 * count. Runs off the start-up path and keeps retrying while the broker is unreachable, so a
 * service starts even when Kafka does not answer yet.
 */
@ApplicationScoped
public class TopicBootstrap {
    private static final Logger LOG = Logger.getLogger(TopicBootstrap.class);

    private final KafkaClients clients;
    private final int partitions;
    private final short replicationFactor;
    private final AtomicBoolean done = new AtomicBoolean();

    public TopicBootstrap(KafkaClients clients,
                          @ConfigProperty(name = "pgflex.kafka.partitions", defaultValue = "3") int partitions,
                          @ConfigProperty(name = "pgflex.kafka.replication-factor", defaultValue = "1") short replicationFactor) {
        this.clients = clients;
        this.partitions = partitions;
        this.replicationFactor = replicationFactor;
    }

    void onStart(@Observes StartupEvent event) {
        Thread thread = new Thread(this::ensureUntilDone, "pgflex-topic-bootstrap");
        thread.setDaemon(true);
        thread.start();
    }

    public boolean done() {
        return done.get();
    }

    private void ensureUntilDone() {
        long backoff = 500;
        while (!done.get()) {
            try {
                ensureTopics();
                done.set(true);
            } catch (Exception e) {
                LOG.warnf("topics not ensured yet (%s); retrying in %d ms", e.getMessage(), backoff);
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
                backoff = Math.min(backoff * 2, 10_000);
            }
        }
    }

    /** Creates the missing topics; existing ones are left as they are. */
    public void ensureTopics() throws Exception {
        try (Admin admin = clients.admin()) {
            Set<String> existing = admin.listTopics().names().get(10, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (String topic : Topics.ALL) {
                for (String name : List.of(topic, Topics.dlq(topic))) {
                    if (!existing.contains(name)) {
                        missing.add(new NewTopic(name, partitions, replicationFactor));
                    }
                }
            }
            if (!missing.isEmpty()) {
                try {
                    admin.createTopics(missing).all().get(10, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
                        throw e;
                    }
                }
                LOG.infof("created topics %s", missing.stream().map(NewTopic::name).toList());
            }
            // pgflex.servers is kept for good: a router that starts without its saved routes (a new
            // router host, a lost disk) rebuilds every endpoint from it, however old the server
            admin.incrementalAlterConfigs(java.util.Map.of(
                    new org.apache.kafka.common.config.ConfigResource(org.apache.kafka.common.config.ConfigResource.Type.TOPIC,
                            Topics.SERVERS),
                    List.of(new org.apache.kafka.clients.admin.AlterConfigOp(
                            new org.apache.kafka.clients.admin.ConfigEntry("retention.ms", "-1"),
                            org.apache.kafka.clients.admin.AlterConfigOp.OpType.SET))))
                    .all().get(10, TimeUnit.SECONDS);
        }
    }
}
