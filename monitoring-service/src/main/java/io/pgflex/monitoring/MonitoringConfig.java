package io.pgflex.monitoring;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings of monitoring-service ({@code pgflex.monitoring.*}). */
@ConfigMapping(prefix = "pgflex.monitoring")
public interface MonitoringConfig {
    /** How long metric points, slow queries and statement snapshots are kept: 30 days, at most 93. */
    @WithDefault("30d")
    Duration retention();

    /** How often partitions are created ahead and expired ones dropped. */
    @WithDefault("1h")
    Duration partitionInterval();

    /** How often closed hours are rolled up into hourly aggregates. */
    @WithDefault("1m")
    Duration rollupInterval();

    /** An hour is rolled up once it ended this long ago (late batches after that roll it up again). */
    @WithDefault("2m")
    Duration rollupGrace();

    /** How often alert rules that are due are evaluated. */
    @WithDefault("15s")
    Duration alertInterval();

    /** Shortest windowSize and evaluationFrequency a rule may have (Azure: PT1M). */
    @WithDefault("1m")
    Duration alertMinWindow();

    /** How often pending webhook calls are made. */
    @WithDefault("5s")
    Duration webhookInterval();

    /** Webhook calls are given up after this many failed attempts (backoff doubles from 10 s to 1 h). */
    @WithDefault("10")
    int webhookMaxAttempts();

    /**
     * Whether webhooks may go to loopback, private, link-local or multicast addresses. Off: a
     * tenant's webhook cannot reach the platform's own network (tests and the local stack turn it on).
     */
    @WithDefault("false")
    boolean webhookAllowPrivateAddresses();

    /** storage_percent at which autogrow grows the storage (Azure: 90). */
    @WithDefault("90")
    double storageHighPercent();

    /** storage_percent at which a server without autogrow turns read-only (Azure: 95). */
    @WithDefault("95")
    double storageFullPercent();

    /** While a server's storage is High or Full the level is sent again this often (a lost event heals). */
    @WithDefault("1m")
    Duration storageRepeatInterval();
}
