package io.pgflex.contracts.agent;

import java.util.List;

/**
 * The replication role ha-service wants an instance to have. ha-service sends it again every
 * probe interval: besides converging the instance, each call renews the instance's primary lease
 * (a primary with a standby that hears neither from ha-service nor from its standby for the
 * isolation timeout stops serving and fences itself).
 *
 * @param role        Primary or Standby
 * @param upstream    a standby's primary
 * @param standbys    a primary's standbys: each gets a replication slot
 * @param synchronous whether a primary waits for its standby on commit ({@code synchronous_standby_names})
 */
public record ReplicationSpec(String operationId, long term, String role, HaPeer upstream, List<HaPeer> standbys,
                              boolean synchronous) {
}
