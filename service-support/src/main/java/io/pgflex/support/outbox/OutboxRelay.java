package io.pgflex.support.outbox;

import io.pgflex.contracts.events.CloudEvents;
import io.pgflex.support.Poller;
import io.pgflex.support.kafka.KafkaClients;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Publishes outbox rows to Kafka in the order they were written, then marks them published.
 * Runs right after each commit that wrote a row, and every {@code pgflex.outbox.poll-interval}.
 * At least once: a crash between the broker's ack and the mark re-sends the row, and consumers'
 * inboxes drop the duplicate. While the broker is away rows simply stay pending. One relay per
 * database at a time (transaction-scoped advisory lock), so several replicas of a service never
 * reorder one server's events.
 */
@ApplicationScoped
public class OutboxRelay {
    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    /** Advisory lock key: "pgflexob" as a number. */
    private static final long LOCK_KEY = 0x7067666c65786f62L;

    private final EntityManager em;
    private final KafkaClients kafka;
    private final Clock clock;
    private final int batchSize;
    private final Duration keepPublished;
    private final Duration pollInterval;
    private Poller poller;

    public OutboxRelay(EntityManager em, KafkaClients kafka, Clock clock,
                       @ConfigProperty(name = "pgflex.outbox.batch-size", defaultValue = "200") int batchSize,
                       @ConfigProperty(name = "pgflex.outbox.keep-published", defaultValue = "P1D") Duration keepPublished,
                       @ConfigProperty(name = "pgflex.outbox.poll-interval", defaultValue = "1s") Duration pollInterval) {
        this.em = em;
        this.kafka = kafka;
        this.clock = clock;
        this.batchSize = batchSize;
        this.keepPublished = keepPublished;
        this.pollInterval = pollInterval;
    }

    void start(@Observes StartupEvent event) {
        poller = new Poller("pgflex-outbox-relay", pollInterval, this::tick);
    }

    void stop(@Observes ShutdownEvent event) {
        if (poller != null) {
            poller.close();
        }
    }

    /** An outbox row was committed: relay it now rather than at the next poll. */
    void written(@Observes(during = TransactionPhase.AFTER_SUCCESS) Outbox.Written written) {
        if (poller != null) {
            poller.nudge();
        }
    }

    void tick() {
        try {
            while (relayBatch() == batchSize) {
                // a full batch: more may be waiting
            }
        } catch (RuntimeException e) {
            LOG.warnf("outbox relay paused: %s", e.getMessage());
        }
    }

    @Scheduled(every = "${pgflex.outbox.cleanup-interval:1h}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void cleanup() {
        QuarkusTransaction.requiringNew().run(() -> {
            long deleted = OutboxEvent.delete("publishedAt < ?1", clock.instant().minus(keepPublished));
            if (deleted > 0) {
                LOG.infof("removed %d published outbox rows older than %s", deleted, keepPublished);
            }
        });
    }

    /** Publishes up to one batch of pending rows; returns how many were published. */
    public int relayBatch() {
        return QuarkusTransaction.requiringNew().call(() -> {
            Boolean locked = (Boolean) em.createNativeQuery("SELECT pg_try_advisory_xact_lock(?1)")
                    .setParameter(1, LOCK_KEY).getSingleResult();
            if (!Boolean.TRUE.equals(locked)) {
                return 0;
            }
            List<OutboxEvent> batch = OutboxEvent.find("publishedAt IS NULL ORDER BY seq").page(0, batchSize).list();
            return batch.isEmpty() ? 0 : send(batch);
        });
    }

    /** Number of rows not yet published. */
    public long pending() {
        return QuarkusTransaction.requiringNew().call(() -> OutboxEvent.count("publishedAt IS NULL"));
    }

    private int send(List<OutboxEvent> batch) {
        List<Future<RecordMetadata>> acks = new ArrayList<>(batch.size());
        try {
            for (OutboxEvent row : batch) {
                acks.add(kafka.producer().send(toRecord(row)));
            }
        } catch (RuntimeException e) {
            LOG.debugf("send stopped after %d of %d: %s", acks.size(), batch.size(), e.getMessage());
        }
        int published = 0;
        for (int i = 0; i < acks.size(); i++) {
            OutboxEvent row = batch.get(i);
            try {
                acks.get(i).get(15, TimeUnit.SECONDS);
                row.publishedAt = clock.instant();
                published++;
            } catch (Exception e) {
                // keep order: nothing after a failed row is marked, it is all re-sent next time
                row.attempts++;
                row.lastError = rootMessage(e);
                LOG.warnf("outbox: %s %s not published yet (attempt %d): %s", row.ceType, row.eventId, row.attempts, row.lastError);
                break;
            }
        }
        if (published < batch.size() && published == acks.size()) {
            OutboxEvent next = batch.get(published);
            next.attempts++;
        }
        if (published > 0) {
            LOG.debugf("outbox: published %d events", published);
        }
        return published;
    }

    private static ProducerRecord<String, byte[]> toRecord(OutboxEvent row) {
        RecordHeaders headers = new RecordHeaders();
        header(headers, CloudEvents.HEADER_SPEC_VERSION, CloudEvents.SPEC_VERSION);
        header(headers, CloudEvents.HEADER_ID, row.eventId.toString());
        header(headers, CloudEvents.HEADER_SOURCE, row.source);
        header(headers, CloudEvents.HEADER_TYPE, row.ceType);
        header(headers, CloudEvents.HEADER_TIME, DateTimeFormatter.ISO_INSTANT.format(row.createdAt));
        header(headers, CloudEvents.HEADER_CONTENT_TYPE, CloudEvents.CONTENT_TYPE_JSON);
        header(headers, CloudEvents.HEADER_DATA_VERSION, Integer.toString(row.dataVersion));
        if (row.subject != null) {
            header(headers, CloudEvents.HEADER_SUBJECT, row.subject);
        }
        return new ProducerRecord<>(row.topic, null, row.recordKey, row.payload.getBytes(StandardCharsets.UTF_8), headers);
    }

    private static void header(RecordHeaders headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
