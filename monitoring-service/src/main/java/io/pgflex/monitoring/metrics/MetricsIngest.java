package io.pgflex.monitoring.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pgflex.contracts.events.MetricsReported;
import io.pgflex.monitoring.storage.StorageWatch;
import io.pgflex.support.inbox.InboundEvent;
import io.pgflex.support.inbox.PoisonEventException;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Takes pgflex.metrics in polls of up to thousands of batches and stores each poll in one
 * transaction ({@link BatchWriter}). A database outage is waited out (the poll is retried, its
 * offsets are committed only after it is stored), a record that is not a MetricsReported goes to
 * pgflex.metrics.dlq with the reason, batches outside the retention are counted and skipped.
 */
@ApplicationScoped
public class MetricsIngest {
    private static final Logger LOG = Logger.getLogger(MetricsIngest.class);

    private final BatchWriter writer;
    private final LatestValues latest;
    private final StorageWatch storage;
    private final Partitions partitions;
    private final Emitter<byte[]> dlq;
    private final ObjectMapper json;
    private final Clock clock;
    private final Counter points;
    private final Counter stored;
    private final Counter duplicates;
    private final Counter outOfRange;

    public MetricsIngest(BatchWriter writer, LatestValues latest, StorageWatch storage, Partitions partitions,
                         @Channel("metrics-dlq") Emitter<byte[]> dlq, ObjectMapper json, Clock clock, MeterRegistry registry) {
        this.writer = writer;
        this.latest = latest;
        this.storage = storage;
        this.partitions = partitions;
        this.dlq = dlq;
        this.json = json;
        this.clock = clock;
        this.points = Counter.builder("pgflex.monitoring.points.ingested").description("Metric points stored").register(registry);
        this.stored = Counter.builder("pgflex.monitoring.batches.ingested").description("MetricsReported batches stored").register(registry);
        this.duplicates = Counter.builder("pgflex.monitoring.batches.duplicate").description("Batches delivered again and skipped").register(registry);
        this.outOfRange = Counter.builder("pgflex.monitoring.batches.out.of.range")
                .description("Batches older than the retention or from the future, skipped").register(registry);
    }

    @Incoming("metrics")
    @Blocking(ordered = true)
    public void onPoll(ConsumerRecords<String, byte[]> records) {
        long t0 = System.nanoTime();
        List<MetricsReported> batches = decode(records);
        long t1 = System.nanoTime();
        for (int attempt = 1; ; attempt++) {
            try {
                List<MetricsReported> fresh = writer.write(batches);
                long t2 = System.nanoTime();
                after(batches, fresh);
                if (LOG.isDebugEnabled()) {
                    LOG.debugf("poll of %d records: %d batches stored; decode %d ms, write %d ms, after %d ms", records.count(),
                            fresh.size(), (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (System.nanoTime() - t2) / 1_000_000);
                }
                return;
            } catch (SQLException | java.io.IOException | RuntimeException e) {
                LOG.warnf("storing %d metric batches failed (attempt %d), retrying: %s", batches.size(), attempt, e.getMessage());
                pause(Math.min(30_000, 500L * attempt));
            }
        }
    }

    private List<MetricsReported> decode(ConsumerRecords<String, byte[]> records) {
        Instant oldest = partitions.horizon();
        Instant newest = clock.instant().plus(Duration.ofDays(1));
        List<MetricsReported> batches = new ArrayList<>(records.count());
        for (ConsumerRecord<String, byte[]> record : records) {
            MetricsReported batch;
            try {
                batch = InboundEvent.from(record, json).payload(MetricsReported.class);
                if (batch.instanceId() == null || batch.collectedAt() == null || batch.points() == null) {
                    throw new PoisonEventException("a MetricsReported without instanceId, collectedAt or points");
                }
                java.util.UUID.fromString(batch.serverId());
            } catch (RuntimeException e) {
                deadLetter(record, e.getMessage());
                continue;
            }
            if (batch.collectedAt().isBefore(oldest) || batch.collectedAt().isAfter(newest)) {
                outOfRange.increment();
                continue;
            }
            batches.add(batch);
        }
        return batches;
    }

    private void after(List<MetricsReported> batches, List<MetricsReported> fresh) {
        duplicates.increment(batches.size() - fresh.size());
        stored.increment(fresh.size());
        for (MetricsReported b : fresh) {
            points.increment(b.points().size());
            latest.update(b);
        }
        try {
            storage.observe(fresh);
        } catch (RuntimeException e) {
            // the next batch brings the level again
            LOG.warnf("storage levels not checked: %s", e.getMessage());
        }
    }

    private void deadLetter(ConsumerRecord<String, byte[]> record, String reason) {
        LOG.warnf("metrics record %s-%d@%d is not a MetricsReported (%s): sent to pgflex.metrics.dlq", record.topic(),
                record.partition(), record.offset(), reason);
        org.apache.kafka.common.header.internals.RecordHeaders headers = new org.apache.kafka.common.header.internals.RecordHeaders();
        record.headers().forEach(headers::add);
        headers.add("dead-letter-reason", String.valueOf(reason).getBytes(StandardCharsets.UTF_8));
        dlq.send(Message.of(record.value() == null ? new byte[0] : record.value())
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(record.key()).withHeaders(headers).build()));
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
