package io.pgflex.provisioning.operation;

import io.pgflex.provisioning.model.OperationEntity;
import io.pgflex.provisioning.model.OperationStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

/**
 * The one owner of an operation's status: its step and progress, its attempts, its end (Succeeded or Failed with the
 * error). Every method runs inside the caller's transaction; the steps, the failure handling and the listener of
 * ha-service's events all write through here.
 */
@ApplicationScoped
public class OperationLedger {
    private final Clock clock;

    public OperationLedger(Clock clock) {
        this.clock = clock;
    }

    /** This worker no longer holds the operation (its lease ran out and another worker took it over). */
    static final class LeaseLost extends RuntimeException {
        LeaseLost(UUID operationId) {
            super("lease of operation " + operationId + " lost to another worker");
        }
    }

    /** The operation, locked, if this worker still holds it; every step's transaction starts here. */
    static OperationEntity held(UUID operationId) {
        OperationEntity o = OperationEntity.findById(operationId, LockModeType.PESSIMISTIC_WRITE);
        if (o == null || o.status.done() || !OperationRunner.OWNER.equals(o.leaseOwner)) {
            throw new LeaseLost(operationId);
        }
        return o;
    }

    /** The operation, locked, unless it has ended (for those who end it from outside its worker). */
    public static OperationEntity open(UUID operationId) {
        OperationEntity o = OperationEntity.findById(operationId, LockModeType.PESSIMISTIC_WRITE);
        return o == null || o.status.done() ? null : o;
    }

    /** The step that runs now (shown in the operation's status); the lease is renewed. */
    void progress(UUID operationId, String step, int percent) {
        OperationEntity o = held(operationId);
        o.step = step;
        o.percentComplete = Math.max(o.percentComplete, percent);
        o.leaseUntil = clock.instant().plus(OperationRunner.LEASE);
    }

    /** One more attempt failed; returns how many have. */
    int attemptFailed(UUID operationId) {
        OperationEntity o = held(operationId);
        o.attempts++;
        return o.attempts;
    }

    /** The operation is tried again after {@code backoff}, saying why. */
    void retryAfter(UUID operationId, Duration backoff, String reason) {
        OperationEntity o = held(operationId);
        o.leaseUntil = clock.instant().plus(backoff);
        o.leaseOwner = null; // given back until the backoff ends (a renewal meanwhile must not shorten or stretch it)
        o.step = "Retrying after: " + reason;
    }

    /**
     * The step goes on after {@code after} (it waits for something); no attempt is counted. False when this worker no
     * longer holds the operation (it ended meanwhile, e.g. ha-service's report ended a failover).
     */
    boolean later(UUID operationId, Duration after, String step) {
        OperationEntity o = OperationEntity.findById(operationId, LockModeType.PESSIMISTIC_WRITE);
        if (o == null || o.status.done() || !OperationRunner.OWNER.equals(o.leaseOwner)) {
            return false;
        }
        o.leaseUntil = clock.instant().plus(after);
        // given back: no worker holds it until one claims it again (a renewal meanwhile must not stretch the wait)
        o.leaseOwner = null;
        if (step != null) {
            o.step = step;
        }
        return true;
    }

    void succeed(UUID operationId) {
        succeeded(held(operationId), "Done");
    }

    /** Ends {@code o} as Succeeded, its last step {@code step}. */
    public void succeeded(OperationEntity o, String step) {
        o.status = OperationStatus.Succeeded;
        o.step = step;
        o.percentComplete = 100;
        o.endedAt = clock.instant();
        o.leaseUntil = null;
    }

    /** Ends {@code o} as Failed with the ARM error code and message its status shows. */
    public void failed(OperationEntity o, String code, String message) {
        o.status = OperationStatus.Failed;
        o.errorCode = code;
        o.errorMessage = message;
        o.endedAt = clock.instant();
        o.leaseUntil = null;
    }
}
