package io.pgflex.testkit;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes raw records (well-formed CloudEvents or deliberately broken ones) to the test broker: as
 * the setup tool's super user (a test forging what a component would publish), or as a given
 * component to see what the broker lets it do.
 */
public final class RecordWriter implements AutoCloseable {
    private final KafkaProducer<String, byte[]> producer;

    public RecordWriter(String bootstrapServers) {
        this(bootstrapServers, io.pgflex.kafka.KafkaAccess.ADMIN);
    }

    /** Writes as component {@code identity} (its certificate; null: none). */
    public RecordWriter(String bootstrapServers, String identity) {
        Map<String, Object> config = new java.util.HashMap<>(KafkaBroker.shared().clientConfig(identity));
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000);
        producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    /** A CloudEvents 1.0 binary-mode record with JSON data. */
    public void cloudEvent(String topic, String key, String id, String ceType, String json) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("ce_specversion", bytes("1.0"));
        headers.add("ce_id", bytes(id));
        headers.add("ce_source", bytes("/pgflex/test"));
        headers.add("ce_type", bytes(ceType));
        headers.add("content-type", bytes("application/json"));
        send(new ProducerRecord<>(topic, null, key, bytes(json), headers));
    }

    public void send(ProducerRecord<String, byte[]> record) {
        try {
            producer.send(record).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not write a record to " + record.topic(), e);
        }
    }

    public static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        producer.close();
    }
}
