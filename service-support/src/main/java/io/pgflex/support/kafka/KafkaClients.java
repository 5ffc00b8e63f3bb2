package io.pgflex.support.kafka;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The plain Kafka clients the outbox relay uses, built from the same {@code kafka.*} settings as the
 * messaging channels (address, mutual TLS as this service's certificate). The producer is
 * idempotent with {@code acks=all}, so a retried send neither duplicates nor reorders within a
 * partition. Topics and ACLs are made by kafka-access's setup tool, never by a service.
 */
@ApplicationScoped
public class KafkaClients {
    private final String bootstrapServers;
    private final String clientId;
    private final Map<String, Object> security;
    private KafkaProducer<String, byte[]> producer;

    public KafkaClients(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers,
                        @ConfigProperty(name = "quarkus.application.name") String applicationName,
                        @io.smallrye.common.annotation.Identifier("default-kafka-broker") Map<String, Object> kafkaDefaults) {
        this.bootstrapServers = bootstrapServers;
        this.clientId = applicationName;
        this.security = security(kafkaDefaults);
    }

    /** The security settings among the {@code kafka.*} defaults ({@code security.protocol}, {@code ssl.*}). */
    public static Map<String, Object> security(Map<String, Object> kafkaDefaults) {
        Map<String, Object> s = new HashMap<>();
        kafkaDefaults.forEach((k, v) -> {
            if (k.equals("security.protocol") || k.startsWith("ssl.")) {
                s.put(k, v);
            }
        });
        return Map.copyOf(s);
    }

    public synchronized KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            Map<String, Object> config = new HashMap<>(security);
            config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            config.put(ProducerConfig.CLIENT_ID_CONFIG, clientId + "-outbox");
            config.put(ProducerConfig.ACKS_CONFIG, "all");
            config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
            // fail a send within seconds while the broker is away: the rows stay in the outbox and are retried
            config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
            config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
            config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
            config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
            // while the broker is away, reconnect with backoff instead of every 50 ms
            config.put(ProducerConfig.RECONNECT_BACKOFF_MS_CONFIG, 500);
            config.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 10_000);
            producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    synchronized void close(@Observes ShutdownEvent event) {
        if (producer != null) {
            producer.close(java.time.Duration.ofSeconds(5));
            producer = null;
        }
    }
}
