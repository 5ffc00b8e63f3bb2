package io.pgflex.monitoring.alerts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgflex.contracts.events.AlertFired;
import io.pgflex.contracts.events.AlertResolved;
import io.pgflex.contracts.metrics.MetricName.Aggregation;
import io.pgflex.monitoring.servers.MonitoredServer;
import io.pgflex.support.outbox.Outbox;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Evaluates the rules that are due: the rule's aggregation of its metric over the last windowSize,
 * compared with its threshold ({@link AlertDecision}). Firing and resolving are written with the
 * rule's new state in one transaction: the AlertFired/AlertResolved event (outbox) and, when the
 * rule has a webhook, its delivery (sent and retried by {@link WebhookSender}).
 */
@ApplicationScoped
public class AlertEvaluator {
    private static final Logger LOG = Logger.getLogger(AlertEvaluator.class);
    private static final int RULES_PER_RUN = 500;

    private final EntityManager em;
    private final Outbox outbox;
    private final ObjectMapper json;
    private final Clock clock;

    public AlertEvaluator(EntityManager em, Outbox outbox, ObjectMapper json, Clock clock) {
        this.em = em;
        this.outbox = outbox;
        this.json = json;
        this.clock = clock;
    }

    @Scheduled(every = "${pgflex.monitoring.alert-interval:15s}", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void run() {
        try {
            QuarkusTransaction.requiringNew().run(this::evaluateDue);
        } catch (RuntimeException e) {
            LOG.warnf("alert evaluation failed: %s", e.getMessage());
        }
    }

    /** Evaluates every enabled rule whose time has come (rows locked: two replicas never both fire). */
    public void evaluateDue() {
        Instant now = clock.instant();
        @SuppressWarnings("unchecked")
        List<AlertRule> due = em.createNativeQuery("SELECT * FROM alert_rules WHERE enabled AND next_evaluation_at <= ?1"
                        + " ORDER BY next_evaluation_at LIMIT ?2 FOR UPDATE SKIP LOCKED", AlertRule.class)
                .setParameter(1, now).setParameter(2, RULES_PER_RUN).getResultList();
        for (AlertRule rule : due) {
            evaluate(rule, now);
        }
    }

    private void evaluate(AlertRule rule, Instant now) {
        Double observed = observe(rule, now);
        AlertDecision d = AlertDecision.decide(rule.state, rule.operator, rule.threshold, observed);
        rule.lastEvaluatedAt = now;
        rule.nextEvaluationAt = now.plusSeconds(rule.frequencySeconds);
        if (observed != null) {
            rule.lastValue = observed;
        }
        rule.state = d.next();
        LOG.debugf("alert rule %s: %s", rule.name, d.reason());
        if (d.action() == AlertDecision.Action.None) {
            return;
        }
        MonitoredServer server = MonitoredServer.findById(rule.serverId);
        String sub = server == null ? null : server.subscriptionId;
        LOG.infof("alert rule %s of server %s: %s (%s)", rule.name, server == null ? rule.serverId : server.name, d.action(), d.reason());
        if (d.action() == AlertDecision.Action.Fire) {
            rule.firedAt = now;
            outbox.publish(new AlertFired(rule.serverId.toString(), sub, null, AlertFired.VERSION, rule.name, rule.metric,
                    rule.operator.name(), rule.threshold, observed, rule.severity, now));
        } else {
            rule.resolvedAt = now;
            outbox.publish(new AlertResolved(rule.serverId.toString(), sub, null, AlertResolved.VERSION, rule.name, rule.metric,
                    observed, now));
        }
        if (rule.webhookUrl != null) {
            queueWebhook(rule, server, d.action() == AlertDecision.Action.Fire ? "Fired" : "Resolved", observed, now);
        }
    }

    /** The rule's aggregation over its window; null when the window holds no point. */
    private Double observe(AlertRule rule, Instant now) {
        Object[] row = (Object[]) em.createNativeQuery("""
                SELECT count(*), sum(p.value), min(p.value), max(p.value) FROM metric_points p
                  JOIN metric_definitions d ON d.id = p.metric_id
                 WHERE p.server_id = ?1 AND d.name = ?2 AND p.ts > ?3 AND p.ts <= ?4""")
                .setParameter(1, rule.serverId).setParameter(2, rule.metric)
                .setParameter(3, now.minusSeconds(rule.windowSeconds)).setParameter(4, now).getSingleResult();
        long count = ((Number) row[0]).longValue();
        if (count == 0) {
            return null;
        }
        return switch (Aggregation.valueOf(rule.aggregation)) {
            case Count -> (double) count;
            case Total -> ((Number) row[1]).doubleValue();
            case Average -> ((Number) row[1]).doubleValue() / count;
            case Minimum -> ((Number) row[2]).doubleValue();
            case Maximum -> ((Number) row[3]).doubleValue();
        };
    }

    private void queueWebhook(AlertRule rule, MonitoredServer server, String condition, Double observed, Instant now) {
        Map<String, Object> essentials = new LinkedHashMap<>();
        essentials.put("alertId", UUID.randomUUID().toString());
        essentials.put("alertRule", rule.name);
        essentials.put("severity", "Sev" + rule.severity);
        essentials.put("monitorCondition", condition);
        essentials.put("monitoringService", "pgflex");
        essentials.put("alertTargetIDs", server == null ? List.of() : List.of(server.resourceId()));
        essentials.put(condition.equals("Fired") ? "firedDateTime" : "resolvedDateTime", now.toString());
        essentials.put("description", rule.description);
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("metricName", rule.metric);
        context.put("operator", rule.operator.name());
        context.put("threshold", rule.threshold);
        context.put("timeAggregation", rule.aggregation);
        context.put("windowSize", java.time.Duration.ofSeconds(rule.windowSeconds).toString());
        context.put("metricValue", observed);
        Map<String, Object> payload = Map.of("schemaId", "azureMonitorCommonAlertSchema",
                "data", Map.of("essentials", essentials, "alertContext", context));
        try {
            em.createNativeQuery("INSERT INTO webhook_deliveries (id, rule_id, url, payload, next_attempt_at, created_at)"
                            + " VALUES (?1, ?2, ?3, ?4, ?5, ?5)")
                    .setParameter(1, UUID.randomUUID()).setParameter(2, rule.id).setParameter(3, rule.webhookUrl)
                    .setParameter(4, json.writeValueAsString(payload)).setParameter(5, now).executeUpdate();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
