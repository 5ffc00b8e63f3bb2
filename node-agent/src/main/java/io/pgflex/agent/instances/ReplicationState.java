package io.pgflex.agent.instances;

import io.pgflex.contracts.agent.HaPeer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code instances/<id>/replication.json} (owner-only): the replication role ha-service last gave the
 * instance, and the password of the server's replication role (the same on every instance of the
 * server: it travels with the clone). An instance without this file is a plain single primary.
 */
public record ReplicationState(String role, long term, HaPeer upstream, List<HaPeer> standbys, boolean synchronous,
                               String password) {
    public static final String PRIMARY = "Primary";
    public static final String STANDBY = "Standby";
    /** The role standbys stream WAL as (REPLICATION, TLS and SCRAM only). */
    public static final String REPLICATION_ROLE = "pgflex_replication";

    public boolean standby() {
        return STANDBY.equals(role);
    }

    /** A primary that waits for a standby on commit: it must not serve when cut off from everyone. */
    public boolean synchronousPrimary() {
        return PRIMARY.equals(role) && synchronous && standbys != null && !standbys.isEmpty();
    }

    public ReplicationState withRole(String newRole, long newTerm, HaPeer newUpstream, List<HaPeer> newStandbys,
                                     boolean newSynchronous) {
        return new ReplicationState(newRole, newTerm, newUpstream, newStandbys == null ? List.of() : List.copyOf(newStandbys),
                newSynchronous, password);
    }

    /** postgresql.conf settings for this role ({@code passfile}: where the replication password is, for a standby). */
    public Map<String, String> parameters(String selfInstanceId, Path passfile, int storageSizeGb) {
        Map<String, String> p = new LinkedHashMap<>();
        // a standby that falls this far behind (or is gone) loses its slot rather than filling the disk
        p.put("max_slot_wal_keep_size", Math.max(1024, storageSizeGb * 1024 / 10) + "MB");
        p.put("hot_standby", "on");
        p.put("hot_standby_feedback", "on");
        // a standby answers at least every second: its primary tells "cut off" from "idle" by that
        p.put("wal_receiver_status_interval", "1s");
        // a standby whose primary restarted in place (a crash its agent recovered) reconnects within half a second,
        // not PostgreSQL's 5 s: the primary's commits wait for it meanwhile
        p.put("wal_retrieve_retry_interval", "500ms");
        if (standby() && upstream != null) {
            p.put("primary_conninfo", "host=" + upstream.host() + " port=" + upstream.port() + " user=" + REPLICATION_ROLE
                    + " passfile=" + passfile + " sslmode=require channel_binding=require application_name=" + HaPeer.slotName(selfInstanceId)
                    + " connect_timeout=2 keepalives_idle=5 keepalives_interval=1 keepalives_count=3");
            p.put("primary_slot_name", HaPeer.slotName(selfInstanceId));
            p.put("recovery_target_timeline", "latest");
            p.put("synchronous_standby_names", "");
        } else {
            p.put("synchronous_standby_names", synchronousPrimary()
                    ? String.join(",", standbys.stream().map(s -> "\"" + HaPeer.slotName(s.instanceId()) + "\"").toList())
                    : "");
        }
        return p;
    }

    /** The .pgpass line of the replication role (any host: the standby follows whichever primary it is given). */
    public String passfileLine() {
        return "*:*:*:" + REPLICATION_ROLE + ":" + password.replace("\\", "\\\\").replace(":", "\\:") + "\n";
    }
}
