package io.pgflex.monitoring.alerts;

import io.agroal.api.AgroalDataSource;
import io.pgflex.monitoring.MonitoringConfig;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
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
    private final WebhookCall http;

    private record Delivery(UUID id, String url, String payload, int attempts) {
    }

    /** Longer than a run's 20 calls of at most 15 s each. */
    private static final Duration LEASE = Duration.ofMinutes(6);

    public WebhookSender(AgroalDataSource db, MonitoringConfig config, Clock clock, io.vertx.core.Vertx vertx) {
        this.http = new WebhookCall(vertx, java.net.InetAddress::getAllByName);
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
            int status = http.post(URI.create(d.url()), d.payload(), config.webhookAllowPrivateAddresses());
            if (status / 100 == 2) {
                update(d, "UPDATE webhook_deliveries SET attempts = attempts + 1, delivered_at = ? WHERE id = ?", null, clock.instant());
                return;
            }
            error = "HTTP " + status;
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

    /** Why {@code a} is not a public unicast address a tenant's webhook may reach, or null when it is one. */
    static String notPublic(java.net.InetAddress a) {
        byte[] b = a.getAddress();
        int b0 = b[0] & 0xff;
        int b1 = b.length > 1 ? b[1] & 0xff : 0;
        if (a.isAnyLocalAddress() || a.isLoopbackAddress()) {
            return "a loopback or unspecified address";
        }
        if (a.isLinkLocalAddress()) {
            return "a link-local address (169.254.0.0/16, fe80::/10: cloud metadata lives here)";
        }
        if (a.isSiteLocalAddress() || (a instanceof java.net.Inet6Address && (b0 & 0xfe) == 0xfc)) {
            return "a private address (10/8, 172.16/12, 192.168/16, fc00::/7)";
        }
        if (a.isMulticastAddress()) {
            return "a multicast address";
        }
        if (a instanceof java.net.Inet4Address) {
            if (b0 == 100 && (b1 & 0xc0) == 64) {
                return "a carrier-grade NAT address (100.64.0.0/10)";
            }
            if (b0 == 0 || b0 >= 240 || (b0 == 192 && b1 == 0 && (b[2] & 0xff) == 0) || (b0 == 198 && (b1 & 0xfe) == 18)) {
                return "a reserved address (0/8, 192.0.0.0/24, 198.18.0.0/15, 240.0.0.0/4)";
            }
        } else if (b0 == 0 && b1 == 0 && java.util.Arrays.equals(java.util.Arrays.copyOfRange(b, 0, 10), new byte[10])
                && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
            return "an IPv4-mapped IPv6 address";
        } else if ((b0 == 0x20 && b1 == 0x02) || (b0 == 0x00 && b1 == 0x64)) {
            return "a 6to4 or NAT64 address (it leads to IPv4 behind it)";
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
