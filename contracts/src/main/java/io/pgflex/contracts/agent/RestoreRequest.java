package io.pgflex.contracts.agent;

import java.time.Instant;

/**
 * Creates an instance from another server's backups: the latest base backup that finished before
 * {@code targetTime}, WAL replayed to it (or to the end of the archive when null), then promoted.
 *
 * @param spec           what the new instance is afterwards (its own server id, admin login, …)
 * @param sourceServerId whose backups and WAL archive to read
 * @param scratch        a restore drill: no WAL archiving of its own, removed after its checks
 */
public record RestoreRequest(InstanceSpec spec, String sourceServerId, Instant targetTime, boolean scratch) {
}
