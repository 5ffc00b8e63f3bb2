package io.pgflex.monitoring.metrics;

import io.pgflex.contracts.metrics.MetricName;
import io.pgflex.monitoring.servers.MonitoredServer;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Per-server metrics in the Prometheus text format at {@code /metrics}: the newest value of each
 * metric of each instance as {@code pgflex_server_<azure name>{server_id, subscription_id,
 * resource_group, server_name, instance_id, role}}, stamped with its collection time. The service's
 * own metrics (ingest counters, JVM, HTTP) stay at {@code /q/metrics}.
 */
@Path("/metrics")
public class PrometheusResource {
    private static final Duration STALE = Duration.ofMinutes(10);

    private final LatestValues latest;
    private final Clock clock;

    public PrometheusResource(LatestValues latest, Clock clock) {
        this.latest = latest;
        this.clock = clock;
    }

    @GET
    @Produces("text/plain; version=0.0.4; charset=utf-8")
    public String scrape() {
        latest.forgetOlderThan(clock.instant().minus(STALE));
        Map<UUID, MonitoredServer> servers = new HashMap<>();
        for (MonitoredServer s : MonitoredServer.<MonitoredServer>listAll()) {
            if (s.deletedAt == null) {
                servers.put(s.serverId, s);
            }
        }
        List<LatestValues.Instance> instances = latest.all().stream()
                .filter(i -> servers.containsKey(i.serverId()))
                .sorted(Comparator.comparing(LatestValues.Instance::instanceId)).toList();
        StringBuilder out = new StringBuilder();
        for (MetricName metric : MetricName.values()) {
            String name = "pgflex_server_" + metric.metricName();
            out.append("# HELP ").append(name).append(' ').append(metric.description()).append(" (").append(metric.unit())
                    .append(")\n# TYPE ").append(name).append(" gauge\n");
            for (LatestValues.Instance i : instances) {
                Double v = i.values().get(metric.metricName());
                if (v == null) {
                    continue;
                }
                MonitoredServer s = servers.get(i.serverId());
                out.append(name).append("{server_id=\"").append(s.serverId).append("\",subscription_id=\"")
                        .append(escape(s.subscriptionId)).append("\",resource_group=\"").append(escape(s.resourceGroup))
                        .append("\",server_name=\"").append(escape(s.name)).append("\",instance_id=\"")
                        .append(escape(i.instanceId())).append("\",role=\"").append(escape(String.valueOf(i.role())))
                        .append("\"} ").append(v).append(' ').append(i.collectedAt().toEpochMilli()).append('\n');
            }
        }
        return out.toString();
    }

    private static String escape(String v) {
        return v == null ? "" : v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
