package io.pgflex.monitoring.storage;

import io.pgflex.contracts.events.MetricPoint;
import io.pgflex.contracts.events.MetricsReported;
import io.pgflex.contracts.events.StorageLevelChanged;
import io.pgflex.contracts.events.StorageLevelChanged.Level;
import io.pgflex.contracts.metrics.MetricName;
import io.pgflex.monitoring.MonitoringConfig;
import io.pgflex.monitoring.servers.MonitoredServer;
import io.pgflex.support.outbox.Outbox;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Storage protection, the monitoring half: reads storage_percent in each primary's batch and tells
 * provisioning (StorageLevelChanged, through the outbox) when the level changes, and again while it
 * stays High or Full. provisioning grows the storage (autogrow) or turns the server read-only.
 */
@ApplicationScoped
public class StorageWatch {
    private static final Logger LOG = Logger.getLogger(StorageWatch.class);

    private final Outbox outbox;
    private final MonitoringConfig config;
    private static final java.time.Duration STALE = java.time.Duration.ofMinutes(10);

    private final java.time.Clock clock;
    private final Map<UUID, Sent> sent = new ConcurrentHashMap<>();

    private record Sent(Level level, Instant at, Instant since) {
    }

    public StorageWatch(Outbox outbox, MonitoringConfig config, java.time.Clock clock) {
        this.outbox = outbox;
        this.config = config;
        this.clock = clock;
    }

    /**
     * Looks at the newest primary batch of each server in {@code batches}; batches older than
     * {@link #STALE} (a backlog being caught up) say nothing about the storage now.
     */
    public void observe(List<MetricsReported> batches) {
        Instant staleBefore = clock.instant().minus(STALE);
        Map<String, MetricsReported> newest = new java.util.HashMap<>();
        for (MetricsReported b : batches) {
            if ("Primary".equals(b.role()) && b.collectedAt().isAfter(staleBefore)) {
                newest.merge(b.serverId(), b, (x, y) -> x.collectedAt().isAfter(y.collectedAt()) ? x : y);
            }
        }
        for (MetricsReported b : newest.values()) {
            Double percent = value(b, MetricName.STORAGE_PERCENT);
            if (percent == null) {
                continue;
            }
            UUID serverId = UUID.fromString(b.serverId());
            Level level = StorageLevels.levelOf(percent, config.storageHighPercent(), config.storageFullPercent());
            Sent last = sent.get(serverId);
            if (last != null && !StorageLevels.shouldSend(last.level(), last.at(), last.since(), level, b.collectedAt(),
                    config.storageRepeatInterval())) {
                continue;
            }
            QuarkusTransaction.requiringNew().run(() -> record(serverId, b, level, percent));
        }
    }

    private void record(UUID serverId, MetricsReported b, Level level, double percent) {
        MonitoredServer s = MonitoredServer.findById(serverId, LockModeType.PESSIMISTIC_WRITE);
        if (s == null || s.deletedAt != null) {
            return;
        }
        Level previous = Level.valueOf(s.storageLevel);
        if (!StorageLevels.shouldSend(previous, s.storageLevelSentAt, s.storageLevelSince, level, b.collectedAt(),
                config.storageRepeatInterval())) {
            sent.put(serverId, new Sent(previous, s.storageLevelSentAt == null ? b.collectedAt() : s.storageLevelSentAt,
                    s.storageLevelSince));
            return;
        }
        Double used = value(b, MetricName.STORAGE_USED);
        Double free = value(b, MetricName.STORAGE_FREE);
        long usedBytes = used == null ? 0 : used.longValue();
        long limit = free == null ? 0 : usedBytes + free.longValue();
        outbox.publish(new StorageLevelChanged(serverId.toString(), s.subscriptionId, null, StorageLevelChanged.VERSION, level,
                percent, usedBytes, limit, b.storageSizeGb(), b.collectedAt()));
        if (previous != level) {
            s.storageLevelSince = b.collectedAt();
            LOG.infof("server %s: storage %s (%.1f %% used), was %s", s.name, level, percent, previous);
        }
        s.storageLevel = level.name();
        s.storageLevelSentAt = b.collectedAt();
        s.updatedAt = b.collectedAt();
        sent.put(serverId, new Sent(level, b.collectedAt(), s.storageLevelSince));
    }

    private static Double value(MetricsReported b, MetricName metric) {
        for (MetricPoint p : b.points()) {
            if (metric.metricName().equals(p.name())) {
                return p.value();
            }
        }
        return null;
    }
}
