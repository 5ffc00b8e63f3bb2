package io.pgflex.provisioning.model;


import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A long-running operation: persisted in the transaction that accepts it, carried out by operation.OperationRunner. */
@Entity
@Table(name = "operations")
public class OperationEntity extends PanacheEntityBase {
    @Id
    public UUID id;
    @Column(name = "subscription_id", nullable = false)
    public String subscriptionId;
    @Column(nullable = false)
    public String location;
    @Column(name = "server_id", nullable = false)
    public UUID serverId;
    @Column(name = "server_name", nullable = false)
    public String serverName;
    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public OperationKind kind;
    @Column(nullable = false)
    public String detail;
    /** Where a waiting step left off (JSON of the step's own record), null before it waits. */
    public String checkpoint;
    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public OperationStatus status;
    public String step;
    @Column(name = "percent_complete", nullable = false)
    public int percentComplete;
    @Column(nullable = false)
    public int attempts;
    @Column(name = "error_code")
    public String errorCode;
    @Column(name = "error_message")
    public String errorMessage;
    @Column(name = "lease_until")
    public Instant leaseUntil;
    @Column(name = "lease_owner")
    public UUID leaseOwner;
    @Column(name = "started_at", nullable = false)
    public Instant startedAt;
    @Column(name = "ended_at")
    public Instant endedAt;

    public String asyncOperationPath() {
        return "/subscriptions/" + subscriptionId + "/providers/Microsoft.DBforPostgreSQL/locations/" + location
                + "/azureAsyncOperation/" + id;
    }

    public String operationResultPath() {
        return "/subscriptions/" + subscriptionId + "/providers/Microsoft.DBforPostgreSQL/locations/" + location
                + "/operationResults/" + id;
    }
}
