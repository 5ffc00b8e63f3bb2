package io.pgflex.backup.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;

/**
 * backup-service's own settings. The repository and master key are {@code pgflex.backup.*}, the
 * same keys the node agents read (see backup-repository).
 */
@ConfigMapping(prefix = "pgflex.backup-service")
public interface BackupServiceConfig {
    /** The node agents (by id) backups are taken on and drills restored on. */
    Map<String, Agent> agents();


    /** Time between a server's automatic full backups (daily by default). */
    @WithDefault("24h")
    Duration fullBackupInterval();

    /** Time between restore drills of each server (weekly by default); 0 turns drills off. */
    @WithDefault("7d")
    Duration drillInterval();

    /** On-demand backups kept per server at most (Azure allows 7). */
    @WithDefault("7")
    int onDemandLimit();

    /** A base backup not finished by then is marked failed (its agent may be gone). */
    @WithDefault("6h")
    Duration backupTimeout();

    /**
     * How often the scheduler looks for due backups and finished jobs (tests: 1s): a backup cut short
     * by a failover is retried on the new primary within this.
     */
    @WithDefault("5s")
    Duration schedulerInterval();

    /** How often expired backups and WAL are removed. */
    @WithDefault("10m")
    Duration retentionInterval();

    interface Agent {
        String url();
    }
}
