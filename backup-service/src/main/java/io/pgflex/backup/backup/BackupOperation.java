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

/**
 * A backup PUT or DELETE someone asked for, as ARM clients poll it: InProgress until its backup has
 * completed (Create) or is gone (Delete); Failed with the backup's error; Canceled when a queued
 * backup was deleted before it started. Ended only in the transaction that ends its backup.
 */
@Entity
@Table(name = "backup_operations")
public class BackupOperation extends PanacheEntityBase {
    public enum Kind {
        Create, Delete
    }

    public enum Status {
        InProgress, Succeeded, Failed, Canceled
    }

    @Id
    public UUID id;
    @Column(name = "subscription_id", nullable = false)
    public String subscriptionId;
    @Column(name = "server_id", nullable = false)
    public UUID serverId;
    @Column(name = "backup_id", nullable = false)
    public UUID backupId;
    @Column(name = "backup_name", nullable = false)
    public String backupName;
    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Kind kind;
    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Status status;
    @Column(name = "error_code")
    public String errorCode;
    @Column(name = "error_message")
    public String errorMessage;
    @Column(name = "started_at", nullable = false)
    public Instant startedAt;
    @Column(name = "ended_at")
    public Instant endedAt;

    /** A new operation on the backup, in progress; the caller's transaction commits it. */
    public static BackupOperation start(BackupEntity backup, Kind kind, Instant now) {
        BackupOperation op = new BackupOperation();
        op.id = UUID.randomUUID();
        op.subscriptionId = backup.subscriptionId;
        op.serverId = backup.serverId;
        op.backupId = backup.id;
        op.backupName = backup.name;
        op.kind = kind;
        op.status = Status.InProgress;
        op.startedAt = now;
        op.persist();
        return op;
    }

    /** The operation of this kind on the backup that is still in progress, if any. */
    public static java.util.Optional<BackupOperation> running(UUID backupId, Kind kind) {
        return find("backupId = ?1 and kind = ?2 and status = ?3 order by startedAt", backupId, kind, Status.InProgress)
                .firstResultOptional();
    }

    /** Ends every operation of this kind on the backup that is in progress; inside the caller's transaction. */
    public static void end(UUID backupId, Kind kind, Status status, String errorCode, String errorMessage, Instant now) {
        List<BackupOperation> ops = list("backupId = ?1 and kind = ?2 and status = ?3", backupId, kind, Status.InProgress);
        for (BackupOperation op : ops) {
            op.status = status;
            op.errorCode = errorCode;
            op.errorMessage = errorMessage;
            op.endedAt = now;
        }
    }
}
