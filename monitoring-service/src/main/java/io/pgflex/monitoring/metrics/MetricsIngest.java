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

    /** A batch and the record it came in (dead-lettered if the batch alone cannot be stored). */
    private record Decoded(MetricsReported batch, ConsumerRecord<String, byte[]> record) {
    }

    @Incoming("metrics")
    @Blocking(ordered = true)
    public void onPoll(ConsumerRecords<String, byte[]> records) {
        long t0 = System.nanoTime();
        List<Decoded> decoded = decode(records);
        List<MetricsReported> batches = decoded.stream().map(Decoded::batch).toList();
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
                if (!transientFailure(e)) {
                    LOG.warnf("storing %d metric batches together failed (%s): storing them one by one", batches.size(), e.getMessage());
                    if (oneByOne(decoded)) {
                        return;
                    }
                }
                LOG.warnf("storing %d metric batches failed (attempt %d), retrying: %s", batches.size(), attempt, e.getMessage());
                pause(Math.min(30_000, 500L * attempt));
            }
        }
    }

    /**
     * Stores each batch alone; one that fails for a reason other than the database being away goes
     * to the dead-letter topic. False when the database went away meanwhile (the poll is retried).
     */
    private boolean oneByOne(List<Decoded> decoded) {
        for (Decoded d : decoded) {
            try {
                after(List.of(d.batch()), writer.write(List.of(d.batch())));
            } catch (SQLException | java.io.IOException | RuntimeException e) {
                if (transientFailure(e)) {
                    return false;
                }
                deadLetter(d.record(), "not storable: " + e.getMessage());
            }
        }
        return true;
    }

    /**
     * Whether waiting may help: everything but a data, constraint or statement error (SQLSTATE
     * classes 22, 23, 42) or a bug-like exception without SQL behind it. A pool timeout, a broken
     * connection, a database shutting down or out of resources waits.
     */
    static boolean transientFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().length() >= 2) {
                String c = sql.getSQLState().substring(0, 2);
                return !(c.equals("22") || c.equals("23") || c.equals("42"));
            }
        }
        return !(e instanceof RuntimeException) || e instanceof java.io.UncheckedIOException;
    }

    private List<Decoded> decode(ConsumerRecords<String, byte[]> records) {
        Instant oldest = partitions.horizon();
        Instant newest = clock.instant().plus(Duration.ofDays(1));
        List<Decoded> batches = new ArrayList<>(records.count());
        for (ConsumerRecord<String, byte[]> record : records) {
            MetricsReported batch;
            try {
                batch = InboundEvent.from(record, json).payload(MetricsReported.class);
                check(batch);
            } catch (RuntimeException e) {
                deadLetter(record, e.getMessage());
                continue;
            }
            if (batch.collectedAt().isBefore(oldest) || batch.collectedAt().isAfter(newest)) {
                outOfRange.increment();
                continue;
            }
            batches.add(new Decoded(batch, record));
        }
        return batches;
    }

    /** What storing relies on: ids in PostgreSQL's uuid form, every point named and stamped. */
    static void check(MetricsReported batch) {
        if (batch.instanceId() == null || batch.collectedAt() == null || batch.points() == null) {
            throw new PoisonEventException("a MetricsReported without instanceId, collectedAt or points");
        }
        if (!java.util.UUID.fromString(batch.serverId()).toString().equalsIgnoreCase(batch.serverId())) {
            throw new PoisonEventException("serverId " + batch.serverId() + " is not a canonical UUID");
        }
        for (var p : batch.points()) {
            if (p == null || p.name() == null || p.name().isBlank() || p.name().length() > 100 || p.timestamp() == null) {
                throw new PoisonEventException("a point without a name (at most 100 characters) or timestamp");
            }
        }
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
