package io.pgflex.monitoring.alerts;

import io.pgflex.monitoring.MonitoringConfig;
import io.pgflex.monitoring.servers.MonitoredServer;
import io.pgflex.support.errors.ArmException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Creating, changing, listing and removing a server's alert rules. */
@ApplicationScoped
public class AlertRuleService {
    private final MonitoringConfig config;
    private final Clock clock;

    public AlertRuleService(MonitoringConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    public record Saved(AlertRule rule, boolean created) {
    }

    @Transactional
    public Saved put(String sub, String rg, String serverName, String ruleName, AlertRuleRequest request) {
        AlertRuleRequest.name(ruleName);
        MonitoredServer server = MonitoredServer.require(sub, rg, serverName);
        if (request == null) {
            throw ArmException.badRequest("InvalidRequestContent", "A body with properties is required.", "properties");
        }
        AlertRuleRequest.Valid v = request.validate(config.alertMinWindow());
        Instant now = clock.instant();
        AlertRule rule = find(server.serverId, ruleName);
        boolean created = rule == null;
        if (created) {
            rule = new AlertRule();
            rule.id = UUID.randomUUID();
            rule.serverId = server.serverId;
            rule.name = ruleName;
            rule.state = AlertRule.AlertState.Unknown;
            rule.createdAt = now;
        }
        boolean conditionChanged = created || !rule.metric.equals(v.metric().metricName()) || rule.operator != v.operator()
                || rule.threshold != v.threshold() || !rule.aggregation.equals(v.aggregation().name())
                || rule.windowSeconds != v.window().toSeconds();
        rule.description = v.description();
        rule.metric = v.metric().metricName();
        rule.operator = v.operator();
        rule.threshold = v.threshold();
        rule.aggregation = v.aggregation().name();
        rule.windowSeconds = v.window().toSeconds();
        rule.frequencySeconds = v.frequency().toSeconds();
        rule.severity = v.severity();
        rule.enabled = v.enabled();
        rule.webhookUrl = v.webhookUrl();
        if (conditionChanged) {
            rule.nextEvaluationAt = now; // a changed condition is looked at right away
        }
        rule.updatedAt = now;
        if (created) {
            rule.persist();
        }
        return new Saved(rule, created);
    }

    public AlertRule get(String sub, String rg, String serverName, String ruleName) {
        MonitoredServer server = MonitoredServer.require(sub, rg, serverName);
        AlertRule rule = find(server.serverId, ruleName);
        if (rule == null) {
            throw ArmException.notFound("Alert rule '" + ruleName + "' of server '" + serverName + "' was not found.");
        }
        return rule;
    }

    public List<AlertRule> list(String sub, String rg, String serverName) {
        MonitoredServer server = MonitoredServer.require(sub, rg, serverName);
        return AlertRule.list("serverId = ?1 order by lower(name)", server.serverId);
    }

    /** True when a rule was removed (200), false when there was none (204). */
    @Transactional
    public boolean delete(String sub, String rg, String serverName, String ruleName) {
        MonitoredServer server = MonitoredServer.require(sub, rg, serverName);
        AlertRule rule = find(server.serverId, ruleName);
        if (rule == null) {
            return false;
        }
        rule.delete();
        return true;
    }

    private static AlertRule find(UUID serverId, String name) {
        return AlertRule.find("serverId = ?1 and lower(name) = lower(?2)", serverId, name).firstResult();
    }
}
