package io.pgflex.contracts.agent;

/**
 * Asks an agent for a base backup of a primary into the backup repository.
 *
 * @param backupId repository-safe id chosen by backup-service ([A-Za-z0-9._-], at most 80)
 * @param kind     Automatic or OnDemand (recorded in the manifest)
 */
public record BackupRequest(String backupId, String kind) {
}
