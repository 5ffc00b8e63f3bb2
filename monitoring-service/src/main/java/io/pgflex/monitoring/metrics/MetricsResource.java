package io.pgflex.monitoring.metrics;

import io.pgflex.contracts.metrics.MetricName;
import io.pgflex.contracts.metrics.MetricName.Aggregation;
import io.pgflex.monitoring.MonitoringConfig;
import io.pgflex.monitoring.servers.MonitoredServer;
import io.pgflex.support.auth.TenantGuard;
import io.pgflex.support.errors.ApiVersions;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A server's metrics in Azure Monitor's shape: {@code …/providers/Microsoft.Insights/metrics} (time
 * series per metric) and {@code …/metricDefinitions} (names, units, aggregations).
 */
@Path("/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.DBforPostgreSQL/flexibleServers/{name}/providers/Microsoft.Insights")
@Produces(MediaType.APPLICATION_JSON)
public class MetricsResource {
    private final TenantGuard guard;
    private final MetricsQuery query;
    private final MonitoringConfig config;
    private final Clock clock;

    public MetricsResource(TenantGuard guard, MetricsQuery query, MonitoringConfig config, Clock clock) {
        this.guard = guard;
        this.query = query;
        this.config = config;
        this.clock = clock;
    }

    @GET
    @Path("/metrics")
    public Map<String, Object> metrics(@PathParam("subscriptionId") String sub, @PathParam("resourceGroup") String rg,
                                       @PathParam("name") String name, @QueryParam("api-version") String apiVersion,
                                       @QueryParam("metricnames") String metricnames, @QueryParam("timespan") String timespan,
                                       @QueryParam("interval") String interval, @QueryParam("aggregation") String aggregation)
            throws SQLException {
        ApiVersions.require(apiVersion);
        guard.read(sub);
        MonitoredServer s = MonitoredServer.require(sub, rg, name);
        MetricsRequest req = MetricsRequest.parse(metricnames, timespan, interval, aggregation, clock.instant(), config.retention());
        List<Map<String, Object>> value = new ArrayList<>();
        for (MetricName metric : req.metrics()) {
            Set<Aggregation> aggs = req.aggregations().isEmpty() ? Set.of(metric.primaryAggregation()) : req.aggregations();
            List<Map<String, Object>> data = new ArrayList<>();
            for (Bucket b : query.series(s.serverId, metric.metricName(), req.from(), req.to(), req.interval())) {
                Map<String, Object> point = new LinkedHashMap<>();
                point.put("timeStamp", b.start().toString());
                for (Aggregation a : aggs) {
                    Double v = b.value(a);
                    if (v != null) {
                        point.put(a.name().toLowerCase(java.util.Locale.ROOT), v);
                    }
                }
                data.add(point);
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", s.resourceId() + "/providers/Microsoft.Insights/metrics/" + metric.metricName());
            m.put("type", "Microsoft.Insights/metrics");
            m.put("name", Map.of("value", metric.metricName(), "localizedValue", metric.metricName()));
            m.put("displayDescription", metric.description());
            m.put("unit", metric.unit().name());
            m.put("timeseries", List.of(Map.of("metadatavalues", List.of(), "data", data)));
            m.put("errorCode", "Success");
            value.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("cost", 0);
        out.put("timespan", req.from() + "/" + req.to());
        out.put("interval", MetricsRequest.iso(req.interval()));
        out.put("value", value);
        out.put("namespace", "Microsoft.DBforPostgreSQL/flexibleServers");
        out.put("resourceregion", "local");
        return out;
    }

    @GET
    @Path("/metricDefinitions")
    public Map<String, Object> definitions(@PathParam("subscriptionId") String sub, @PathParam("resourceGroup") String rg,
                                           @PathParam("name") String name, @QueryParam("api-version") String apiVersion) {
        ApiVersions.require(apiVersion);
        guard.read(sub);
        MonitoredServer s = MonitoredServer.require(sub, rg, name);
        List<Map<String, Object>> value = new ArrayList<>();
        for (MetricName metric : MetricName.values()) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("id", s.resourceId() + "/providers/Microsoft.Insights/metricdefinitions/" + metric.metricName());
            d.put("resourceId", s.resourceId());
            d.put("namespace", "Microsoft.DBforPostgreSQL/flexibleServers");
            d.put("name", Map.of("value", metric.metricName(), "localizedValue", metric.metricName()));
            d.put("displayDescription", metric.description());
            d.put("unit", metric.unit().name());
            d.put("primaryAggregationType", metric.primaryAggregation().name());
            d.put("supportedAggregationTypes", List.of(Aggregation.values()).stream().map(Enum::name).toList());
            d.put("metricAvailabilities", MetricsRequest.INTERVALS.stream()
                    .map(i -> Map.of("timeGrain", MetricsRequest.iso(i), "retention", MetricsRequest.iso(config.retention()))).toList());
            value.add(d);
        }
        return Map.of("value", value);
    }
}
