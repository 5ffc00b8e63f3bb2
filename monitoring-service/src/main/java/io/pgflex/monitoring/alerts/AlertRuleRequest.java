package io.pgflex.monitoring.alerts;

import io.pgflex.contracts.metrics.MetricName;
import io.pgflex.contracts.metrics.MetricName.Aggregation;
import io.pgflex.monitoring.alerts.AlertRule.Operator;
import io.pgflex.support.errors.ArmException;
import java.net.URI;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.regex.Pattern;

/** The body of {@code PUT …/alertRules/{name}}. */
public record AlertRuleRequest(Properties properties) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,79}");
    private static final Duration MAX_WINDOW = Duration.ofDays(1);

    public record Properties(String description, Integer severity, Boolean enabled, String evaluationFrequency,
                             String windowSize, Criteria criteria, Actions actions) {
    }

    public record Criteria(String metricName, String operator, Double threshold, String timeAggregation) {
    }

    public record Actions(String webhookUrl) {
    }

    /** A request that passed every check, in the units the rule stores. */
    public record Valid(String description, int severity, boolean enabled, Duration frequency, Duration window,
                        MetricName metric, Operator operator, double threshold, Aggregation aggregation, String webhookUrl) {
    }

    public static void name(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw ArmException.badRequest("InvalidAlertRuleName", "Alert rule name '" + name + "' must be 1-80 letters, digits,"
                    + " '.', '_' or '-', starting with a letter or digit.", "name");
        }
    }

    public Valid validate(Duration minWindow) {
        if (properties == null || properties.criteria() == null) {
            throw ArmException.badRequest("InvalidRequestContent", "properties.criteria is required.", "properties.criteria");
        }
        Criteria c = properties.criteria();
        MetricName metric = MetricName.of(c.metricName()).orElseThrow(() -> ArmException.badRequest("InvalidMetricName",
                "Metric '" + c.metricName() + "' does not exist; see providers/Microsoft.Insights/metricDefinitions.",
                "properties.criteria.metricName"));
        Operator operator = Arrays.stream(Operator.values()).filter(o -> o.name().equalsIgnoreCase(c.operator())).findFirst()
                .orElseThrow(() -> ArmException.badRequest("InvalidOperator", "operator '" + c.operator()
                        + "' is not one of " + Arrays.toString(Operator.values()) + ".", "properties.criteria.operator"));
        if (c.threshold() == null || !Double.isFinite(c.threshold())) {
            throw ArmException.badRequest("InvalidThreshold", "threshold must be a number.", "properties.criteria.threshold");
        }
        Aggregation aggregation = c.timeAggregation() == null ? metric.primaryAggregation()
                : Arrays.stream(Aggregation.values()).filter(a -> a.name().equalsIgnoreCase(c.timeAggregation())).findFirst()
                .orElseThrow(() -> ArmException.badRequest("InvalidAggregation", "timeAggregation '" + c.timeAggregation()
                        + "' is not one of Average, Minimum, Maximum, Total, Count.", "properties.criteria.timeAggregation"));
        Duration window = duration(properties.windowSize(), Duration.ofMinutes(5), minWindow, "properties.windowSize");
        Duration frequency = duration(properties.evaluationFrequency(), Duration.ofMinutes(1), minWindow,
                "properties.evaluationFrequency");
        if (frequency.compareTo(window) > 0) {
            throw ArmException.badRequest("InvalidEvaluationFrequency", "evaluationFrequency " + frequency
                    + " is longer than windowSize " + window + ": some points would never be looked at.", "properties.evaluationFrequency");
        }
        int severity = properties.severity() == null ? 3 : properties.severity();
        if (severity < 0 || severity > 4) {
            throw ArmException.badRequest("InvalidSeverity", "severity must be 0 (critical) to 4 (verbose).", "properties.severity");
        }
        String webhook = properties.actions() == null ? null : properties.actions().webhookUrl();
        if (webhook != null && !webhook.isBlank()) {
            webhook(webhook);
        } else {
            webhook = null;
        }
        return new Valid(properties.description(), severity, properties.enabled() == null || properties.enabled(), frequency,
                window, metric, operator, c.threshold(), aggregation, webhook);
    }

    private static Duration duration(String value, Duration fallback, Duration min, String target) {
        Duration d;
        try {
            d = value == null ? fallback : Duration.parse(value);
        } catch (DateTimeParseException e) {
            throw ArmException.badRequest("InvalidDuration", target + " '" + value + "' is not an ISO 8601 duration (e.g. PT5M).", target);
        }
        if (d.compareTo(min) < 0 || d.compareTo(MAX_WINDOW) > 0) {
            throw ArmException.badRequest("InvalidDuration", target + " must be between " + min + " and P1D, not " + value + ".", target);
        }
        return d;
    }

    private static void webhook(String url) {
        try {
            URI u = URI.create(url);
            if (!("https".equalsIgnoreCase(u.getScheme()) || "http".equalsIgnoreCase(u.getScheme())) || u.getHost() == null) {
                throw new IllegalArgumentException("not http(s)");
            }
        } catch (IllegalArgumentException e) {
            throw ArmException.badRequest("InvalidWebhookUrl", "actions.webhookUrl must be an absolute http(s) URL.",
                    "properties.actions.webhookUrl");
        }
    }
}
