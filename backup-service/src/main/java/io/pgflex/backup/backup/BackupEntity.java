package io.pgflex.backup.backup;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** One base backup of a server; its id is its directory in the repository. */
@Entity
@Table(name = "backups")
public class BackupEntity extends PanacheEntityBase {
    public enum Kind {
        Automatic("Full"), OnDemand("Customer On-Demand");

        /** Azure's backupType. */
        public final String apiType;

        Kind(String apiType) {
            this.apiType = apiType;
        }
    }

    /**
     * Queued: an on-demand backup asked for while another one ran; it starts when that one has ended.
     * Deleting: an on-demand backup whose removal was asked for; no restore uses it any more.
     */
    public enum State {
        Queued, Running, Completed, Failed, Deleting
    }

    @Id
    public UUID id;
    @Column(name = "server_id", nullable = false)
    public UUID serverId;
    @Column(name = "subscription_id", nullable = false)
    public String subscriptionId;
    @Column(nullable = false)
    public String name;
    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Kind kind;
    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public State state;
    @Column(name = "agent_id", nullable = false)
    public String agentId;
    @Column(name = "instance_id", nullable = false)
    public String instanceId;
    @Column(name = "started_at", nullable = false)
    public Instant startedAt;
    @Column(name = "completed_at")
    public Instant completedAt;
    /** When the node agent took the job (null: recorded but not handed over yet). */
    @Column(name = "launched_at")
    public Instant launchedAt;
    @Column(name = "engine_version")
    public String engineVersion;
    public Integer timeline;
    @Column(name = "start_lsn")
    public String startLsn;
    @Column(name = "stop_lsn")
    public String stopLsn;
    @Column(name = "start_wal")
    public String startWal;
    @Column(name = "stop_wal")
    public String stopWal;
    @Column(name = "size_bytes")
    public Long sizeBytes;
    @Column(name = "stored_bytes")
    public Long storedBytes;
    @Column(name = "file_count")
    public Integer fileCount;
    public String error;
    @Column(name = "verify_state")
    public String verifyState;
    @Column(name = "verified_at")
    public Instant verifiedAt;
    @Column(name = "verify_detail")
    public String verifyDetail;
    @Column(name = "drill_state")
    public String drillState;
    @Column(name = "drill_at")
    public Instant drillAt;
    @Column(name = "drill_detail")
    public String drillDetail;

    public static List<BackupEntity> completed(UUID serverId) {
        return list("serverId = ?1 and state = ?2 order by completedAt", serverId, State.Completed);
    }

    public static java.util.Optional<BackupEntity> byName(UUID serverId, String name) {
        return find("serverId = ?1 and name = ?2", serverId, name).firstResultOptional();
    }
}
