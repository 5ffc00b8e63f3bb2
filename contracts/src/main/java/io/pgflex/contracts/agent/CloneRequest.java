package io.pgflex.contracts.agent;

/**
 * Make the instance a standby cloned from another agent's instance: the source takes a non-exclusive
 * base backup (pg_backup_start/stop) with a replication slot for the new standby and streams the
 * files, the server's TLS material and the replication credentials; the new standby then streams
 * WAL from {@code upstream}.
 */
public record CloneRequest(String operationId, String sourceAgentUrl, String sourceInstanceId, HaPeer upstream) {
}
