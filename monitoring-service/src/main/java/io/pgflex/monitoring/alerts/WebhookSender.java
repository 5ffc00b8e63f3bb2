package io.pgflex.monitoring.alerts;

import io.agroal.api.AgroalDataSource;
import io.pgflex.monitoring.MonitoringConfig;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Makes the webhook calls of fired and resolved alerts: POST of the alert as JSON; a 2xx delivers
 * it, anything else is tried again after 10 s, 20 s, 40 s, … (at most an hour apart) until
 * {@code pgflex.monitoring.webhook-max-attempts}, then given up with the last error kept.
 */
@ApplicationScoped
public class WebhookSender {
    private static final Logger LOG = Logger.getLogger(WebhookSender.class);

    private final AgroalDataSource db;
    private final MonitoringConfig config;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    private record Delivery(UUID id, String url, String payload, int attempts) {
    }

    /** Longer than a run's 20 calls of at most 15 s each. */
    private static final Duration LEASE = Duration.ofMinutes(6);

    public WebhookSender(AgroalDataSource db, MonitoringConfig config, Clock clock) {
        this.db = db;
        this.config = config;
        this.clock = clock;
    }

    @Scheduled(every = "${pgflex.monitoring.webhook-interval:5s}", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void run() {
        try {
            for (Delivery d : due()) {
                send(d);
            }
        } catch (SQLException e) {
            LOG.warnf("webhook deliveries not read: %s", e.getMessage());
        }
    }

    private List<Delivery> due() throws SQLException {
        List<Delivery> out = new ArrayList<>();
        // claimed with a lease (next attempt pushed past the calls' time): a second replica, or this one
        // after a crash mid-call, takes a delivery only once its lease ran out
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("""
                UPDATE webhook_deliveries SET next_attempt_at = ? WHERE id IN (
                  SELECT id FROM webhook_deliveries
                   WHERE delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ?
                   ORDER BY created_at LIMIT 20 FOR UPDATE SKIP LOCKED)
                RETURNING id, url, payload, attempts""")) {
            Instant now = clock.instant();
            ps.setTimestamp(1, Timestamp.from(now.plus(LEASE)));
            ps.setTimestamp(2, Timestamp.from(now));
            try (ResultSet r = ps.executeQuery()) {
                while (r.next()) {
                    out.add(new Delivery(r.getObject(1, UUID.class), r.getString(2), r.getString(3), r.getInt(4)));
                }
            }
        }
        return out;
    }

    private void send(Delivery d) throws SQLException {
        String error;
        try {
            String refused = refusedAddress(URI.create(d.url()));
            if (refused != null) {
                throw new java.io.IOException(refused);
            }
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(d.url())).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(d.payload())).build(),
                    HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() / 100 == 2) {
                update(d, "UPDATE webhook_deliveries SET attempts = attempts + 1, delivered_at = ? WHERE id = ?", null, clock.instant());
                return;
            }
            error = "HTTP " + response.statusCode();
        } catch (java.io.IOException | IllegalArgumentException e) {
            error = e.getClass().getSimpleName() + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        int attempts = d.attempts() + 1;
        Instant now = clock.instant();
        if (attempts >= config.webhookMaxAttempts()) {
            LOG.warnf("webhook %s given up after %d attempts: %s", d.url(), attempts, error);
            update(d, "UPDATE webhook_deliveries SET attempts = attempts + 1, failed_at = ?, last_error = ? WHERE id = ?", error, now);
        } else {
            Duration wait = backoff(attempts);
            LOG.infof("webhook %s failed (attempt %d): %s; next attempt in %s", d.url(), attempts, error, wait);
            update(d, "UPDATE webhook_deliveries SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ?",
                    error, now.plus(wait));
        }
    }

    /** Why the URL's host may not be called, or null when it may (see webhook-allow-private-addresses). */
    String refusedAddress(URI url) throws java.net.UnknownHostException {
        if (config.webhookAllowPrivateAddresses()) {
            return null;
        }
        for (java.net.InetAddress a : java.net.InetAddress.getAllByName(url.getHost())) {
            boolean uniqueLocal = a instanceof java.net.Inet6Address && (a.getAddress()[0] & 0xfe) == 0xfc;
            if (a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()
                    || a.isMulticastAddress() || uniqueLocal) {
                return "refused: " + url.getHost() + " is a loopback, private or link-local address (" + a.getHostAddress() + ")";
            }
        }
        return null;
    }

    /** 10 s doubled per failed attempt, at most an hour. */
    static Duration backoff(int attempts) {
        long seconds = 10L << Math.min(attempts - 1, 20);
        return Duration.ofSeconds(Math.min(seconds, 3600));
    }

    private void update(Delivery d, String sql, String error, Instant at) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            ps.setTimestamp(i++, Timestamp.from(at));
            if (error != null) {
                ps.setString(i++, error);
            }
            ps.setObject(i, d.id());
            ps.executeUpdate();
        }
    }
}
