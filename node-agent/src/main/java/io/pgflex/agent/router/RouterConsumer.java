package io.pgflex.agent.router;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgflex.agent.AgentConfig;
import io.pgflex.contracts.events.CloudEvents;
import io.pgflex.contracts.events.EndpointUpdated;
import io.pgflex.contracts.events.EventType;
import io.pgflex.contracts.events.FailoverTriggered;
import io.pgflex.contracts.events.StandbyReady;
import io.pgflex.contracts.events.Topics;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Collection;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Feeds the router from {@code pgflex.servers}: EndpointUpdated replaces a server's route,
 * ServerDeleted removes it; and from {@code pgflex.ha}: FailoverTriggered takes the old primary out
 * of the route at once, StandbyReady lets a rebuilt instance back in. Offsets are committed only after the routes are saved and HAProxy
 * reloaded, so a crash in between replays the events (harmless: routes are whole snapshots with
 * generations). A failed reload is tried again on the next poll.
 */
@ApplicationScoped
public class RouterConsumer {
    private static final Logger LOG = Logger.getLogger(RouterConsumer.class);

    private final Router router;
    private final AgentConfig config;
    private final ObjectMapper json;
    private final String bootstrap;
    private final java.util.Map<String, Object> kafkaDefaults;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile boolean running;
    private final java.util.Set<TopicPartition> rewound = new java.util.HashSet<>();

    public RouterConsumer(Router router, AgentConfig config, ObjectMapper json,
                          @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap,
                          @io.smallrye.common.annotation.Identifier("default-kafka-broker") java.util.Map<String, Object> kafkaDefaults) {
        this.kafkaDefaults = kafkaDefaults;
        this.router = router;
        this.config = config;
        this.json = json;
        this.bootstrap = bootstrap;
    }

    public void start() {
        running = true;
        Thread t = new Thread(this::loop, "pgflex-router-events");
        t.setDaemon(true);
        t.start();
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    private void loop() {
        boolean pending = true; // the configuration may be behind the saved routes (a failed reload before a crash)
        while (running) {
            try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(properties())) {
                consumer = c;
                c.subscribe(List.of(Topics.SERVERS, Topics.HA), new ConsumerRebalanceListener() {
                    @Override
                    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    }

                    @Override
                    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                        if (router.startedFresh() && rewound.addAll(partitions)) {
                            // no saved routes: every route there is, not just those since the last commit
                            LOG.infof("router: no saved routes, reading %s from the beginning", Topics.SERVERS);
                            c.seekToBeginning(partitions);
                        }
                    }
                });
                while (running) {
                    ConsumerRecords<String, byte[]> records = c.poll(Duration.ofMillis(500));
                    for (ConsumerRecord<String, byte[]> r : records) {
                        pending |= handle(r);
                    }
                    if (pending) {
                        router.apply();
                        pending = false;
                    }
                    if (!records.isEmpty()) {
                        c.commitSync();
                    }
                }
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                LOG.errorf("router: %s; trying again in 2 s", e.getMessage());
                pending = true;
                try {
                    Thread.sleep(2000);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private boolean handle(ConsumerRecord<String, byte[]> r) {
        Header type = r.headers().lastHeader(CloudEvents.HEADER_TYPE);
        String ceType = type == null ? "" : new String(type.value(), StandardCharsets.UTF_8);
        try {
            if (EventType.ENDPOINT_UPDATED.ceType().equals(ceType)) {
                return router.upsert(json.readValue(r.value(), EndpointUpdated.class));
            }
            if (EventType.SERVER_DELETED.ceType().equals(ceType) && r.key() != null) {
                return router.remove(r.key());
            }
            if (EventType.FAILOVER_TRIGGERED.ceType().equals(ceType)) {
                FailoverTriggered f = json.readValue(r.value(), FailoverTriggered.class);
                return router.failover(f.serverId(), f.oldPrimaryInstanceId(), f.newPrimaryInstanceId());
            }
            if (EventType.STANDBY_READY.ceType().equals(ceType)) {
                StandbyReady ready = json.readValue(r.value(), StandbyReady.class);
                return router.rebuilt(ready.serverId(), ready.standbyInstanceId());
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not ours to dead-letter (the services' consumers do that with the same record); said loudly
            LOG.errorf("router: event %s at %s-%d@%d not applied: %s", ceType, r.topic(), r.partition(), r.offset(),
                    e.getMessage());
        }
        return false;
    }

    private Properties properties() {
        Properties p = new Properties();
        // mutual TLS as this agent, like its channels (security.protocol and ssl.* of the kafka.* settings)
        kafkaDefaults.forEach((k, v) -> {
            if (k.equals("security.protocol") || k.startsWith("ssl.")) {
                p.put(k, v);
            }
        });
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "pgflex-router-" + config.id()); // the one group its ACLs allow (kafka-access)
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "pgflex-router-" + config.id());
        // static membership: a restarted router takes its partitions back at once instead of
        // waiting out the session of the process it replaces (45 s by default)
        p.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "pgflex-router-" + config.id());
        return p;
    }
}
