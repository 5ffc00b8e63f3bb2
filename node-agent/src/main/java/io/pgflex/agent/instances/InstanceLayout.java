package io.pgflex.agent.instances;

import java.nio.file.Path;

/**
 * Where an instance's parts live under {@code <dataRoot>/instances/<id>/}. Its Unix socket lives in
 * the agent's short socket directory instead (socket paths are limited to 107 bytes); the file name
 * {@code .s.PGSQL.<port>} keeps instances apart there.
 */
public record InstanceLayout(Path root, Path socketDir) {
    /** Directories of pgdata whose contents a base backup leaves out (as pg_basebackup does); they are created empty. */
    public static final java.util.Set<String> EMPTY_DIRS = java.util.Set.of("pg_wal", "pg_replslot", "pg_dynshmem",
            "pg_notify", "pg_serial", "pg_snapshots", "pg_stat_tmp", "pg_subtrans");
    /** Files of pgdata a copy leaves out: runtime files, and marks a restored or cloned copy must not inherit. */
    public static final java.util.Set<String> SKIPPED_FILES = java.util.Set.of("postmaster.pid", "postmaster.opts",
            "backup_label", "tablespace_map", "standby.signal", "recovery.signal", "pg_internal.init", "current_logfiles",
            "backup_label.old");

    /** Whether a data-directory path stays out of a base backup (runtime files, contents of pg_wal and the like). */
    public static boolean skipped(Path rel) {
        String first = rel.getName(0).toString();
        if (rel.getNameCount() > 1 && EMPTY_DIRS.contains(first)) {
            return true;
        }
        String file = rel.getFileName().toString();
        return SKIPPED_FILES.contains(file) || file.startsWith("pgsql_tmp");
    }
    public Path recordFile() {
        return root.resolve("instance.json");
    }

    public Path pgdata() {
        return root.resolve("pgdata");
    }

    public Path tls() {
        return root.resolve("tls");
    }

    public Path conf() {
        return root.resolve("conf");
    }

    public Path postgresqlConf() {
        return conf().resolve("postgresql.conf");
    }

    public Path hbaConf() {
        return conf().resolve("pg_hba.conf");
    }

    public Path log() {
        return root.resolve("log");
    }

    /** Unix socket directory (0700, PostgreSQL's user): only the agent (root) and postgres get in. */
    public Path run() {
        return socketDir;
    }

    /** The instance's PgBouncer: pgbouncer.ini, hba.conf, users.txt, pgbouncer.pid. */
    public Path pgbouncer() {
        return root.resolve("pgbouncer");
    }

    /** A fenced instance never serves as primary again (the HA failover marks the old primary so). */
    public Path fencedMark() {
        return root.resolve("fenced");
    }

    /** Present while the storage guard refuses tenants (the storage reached its limit); holds the reason. */
    public Path storageBlockedMark() {
        return root.resolve("storage-blocked");
    }

    /** The replication role ha-service gave the instance (absent: a plain single primary). */
    public Path replicationFile() {
        return root.resolve("replication.json");
    }

    /** The replication role's password for a standby's primary_conninfo (PostgreSQL's user, 0600). */
    public Path passfile() {
        return conf().resolve("replication.pgpass");
    }

    public Path postmasterPid() {
        return pgdata().resolve("postmaster.pid");
    }
}
