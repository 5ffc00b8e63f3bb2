package io.pgflex.monitoring.metrics;

import io.pgflex.contracts.events.MetricPoint;
import io.pgflex.contracts.events.MetricsReported;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** The newest value of every metric of every instance, for the Prometheus exposition. */
@ApplicationScoped
public class LatestValues {
    /** One instance's newest batch. */
    public record Instance(UUID serverId, String instanceId, String role, Instant collectedAt, Map<String, Double> values) {
    }

    private final Map<String, Instance> byInstance = new ConcurrentHashMap<>();

    void update(MetricsReported batch) {
        Instance prev = byInstance.get(batch.instanceId());
        if (prev != null && prev.collectedAt().isAfter(batch.collectedAt())) {
            return;
        }
        Map<String, Double> values = new LinkedHashMap<>();
        for (MetricPoint p : batch.points()) {
            values.put(p.name(), p.value());
        }
        byInstance.put(batch.instanceId(), new Instance(UUID.fromString(batch.serverId()), batch.instanceId(), batch.role(),
                batch.collectedAt(), values));
    }

    public List<Instance> all() {
        return List.copyOf(byInstance.values());
    }

    /** Forgets instances that reported nothing since {@code before} (gone with their server). */
    public void forgetOlderThan(Instant before) {
        byInstance.values().removeIf(i -> i.collectedAt().isBefore(before));
    }
}
