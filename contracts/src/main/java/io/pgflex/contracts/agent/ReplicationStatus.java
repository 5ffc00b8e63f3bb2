package io.pgflex.contracts.agent;

import java.util.List;

/**
 * An instance's replication as its agent sees it right now.
 *
 * @param role              Primary or Standby (what the agent manages it as)
 * @param inRecovery        pg_is_in_recovery() (null when PostgreSQL does not answer)
 * @param lsn               a primary's pg_current_wal_lsn(), a standby's last replayed LSN
 * @param receiveLsn        a standby's last received and flushed LSN
 * @param upstreamReachable a standby's own probe of its primary (SQL over TLS, about a second): the
 *                          standby's agent agrees the primary is gone only when this is false
 * @param standbys          a primary's connected standbys (pg_stat_replication)
 */
public record ReplicationStatus(String instanceId, String role, boolean running, boolean fenced, Boolean inRecovery,
                                String lsn, String receiveLsn, boolean walReceiverStreaming, Boolean upstreamReachable,
                                List<StandbyConnection> standbys, String message) {

    /**
     * @param lagBytes       how far its replay is behind the primary's current LSN
     * @param replyAgeMillis how long ago the standby last answered
     */
    public record StandbyConnection(String name, String state, String syncState, String replayLsn, long lagBytes,
                                    long replyAgeMillis) {
    }
}
