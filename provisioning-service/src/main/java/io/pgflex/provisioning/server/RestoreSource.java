package io.pgflex.provisioning.server;

import io.pgflex.provisioning.model.DeletedServerEntity;
import io.pgflex.provisioning.model.ServerEntity;
import io.pgflex.support.errors.ArmException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server a point-in-time restore reads from, live or deleted within its retention, and the
 * point asked for, checked against what its backups can restore: not before the earliest restore
 * date, not in the future, not after a deleted server's end.
 */
public record RestoreSource(UUID id, String subscriptionId, String resourceGroup, String name, String version, String skuName,
                            String skuTier, int storageGb, String adminLogin, String adminPasswordVerifier, boolean deleted,
                            Instant pointInTime) {
    private static final Pattern RESOURCE_ID = Pattern.compile(
            "(?i)/subscriptions/([^/]+)/resourceGroups/([^/]+)/providers/Microsoft\\.DBforPostgreSQL/flexibleServers/([^/]+)/?");

    /**
     * Finds and checks the source of a PointInTimeRestore request by {@code callerSubscription};
     * 400/404 with the reason otherwise. A source in another subscription answers exactly as a
     * missing one: nothing about it (existence, deletion, restore window) reaches the caller.
     */
    public static RestoreSource resolve(String callerSubscription, ServerRequest.Properties p, Instant now) {
        if (p.sourceServerResourceId() == null || p.sourceServerResourceId().isBlank()) {
            throw ArmException.badRequest("MissingSourceServer", "A PointInTimeRestore needs properties.sourceServerResourceId.",
                    "properties.sourceServerResourceId");
        }
        Matcher m = RESOURCE_ID.matcher(p.sourceServerResourceId());
        if (!m.matches()) {
            throw ArmException.badRequest("InvalidSourceServerResourceId", "'" + p.sourceServerResourceId()
                    + "' is not a flexible server resource id (/subscriptions/…/resourceGroups/…/providers/"
                    + "Microsoft.DBforPostgreSQL/flexibleServers/…).", "properties.sourceServerResourceId");
        }
        if (p.pointInTimeUTC() == null || p.pointInTimeUTC().isBlank()) {
            throw ArmException.badRequest("MissingPointInTime", "A PointInTimeRestore needs properties.pointInTimeUTC.",
                    "properties.pointInTimeUTC");
        }
        Instant t;
        try {
            t = java.time.OffsetDateTime.parse(p.pointInTimeUTC()).toInstant();
        } catch (DateTimeParseException e) {
            throw ArmException.badRequest("InvalidPointInTime", "pointInTimeUTC '" + p.pointInTimeUTC()
                    + "' is not an ISO 8601 time with an offset (e.g. 2026-11-24T10:15:00Z).", "properties.pointInTimeUTC");
        }
        String rg = m.group(2);
        String name = m.group(3);
        if (!m.group(1).equalsIgnoreCase(callerSubscription)) {
            throw notFound(name, rg);
        }
        String sub = callerSubscription;
        RestoreSource source;
        Instant restorableFrom;
        int retention;
        Instant end;
        var live = ServerEntity.findInGroup(sub, rg, name);
        if (live.isPresent()) {
            ServerEntity s = live.get();
            source = new RestoreSource(s.id, sub, s.resourceGroup, s.name, s.version, s.skuName, s.skuTier, s.storageGb,
                    s.adminLogin, s.adminPasswordVerifier, false, t);
            restorableFrom = s.restorableFrom;
            retention = s.backupRetentionDays;
            end = now;
        } else {
            DeletedServerEntity d = DeletedServerEntity.<DeletedServerEntity>find(
                    "subscriptionId = ?1 and lower(resourceGroup) = lower(?2) and name = ?3 order by deletedAt desc",
                    sub, rg, name).firstResult();
            if (d == null || !d.deletedAt.plus(Duration.ofDays(d.backupRetentionDays)).isAfter(now)) {
                throw notFound(name, rg);
            }
            source = new RestoreSource(d.id, sub, d.resourceGroup, d.name, d.version, d.skuName, d.skuTier, d.storageGb,
                    d.adminLogin, d.adminPasswordVerifier, true, t);
            restorableFrom = d.restorableFrom;
            retention = d.backupRetentionDays;
            end = d.restorableUntil != null ? d.restorableUntil : d.deletedAt;
        }
        Instant earliest = ServerEntity.earliestRestore(restorableFrom, end, retention);
        if (earliest == null) {
            throw ArmException.badRequest("NoBackupAvailable", "Server '" + name + "' has no completed backup yet; a restore"
                    + " is possible once its first backup has finished.", "properties.sourceServerResourceId");
        }
        if (t.isAfter(now)) {
            throw ArmException.badRequest("PointInTimeInFuture", "pointInTimeUTC " + t + " is in the future.",
                    "properties.pointInTimeUTC");
        }
        if (t.isBefore(earliest)) {
            throw ArmException.badRequest("PointInTimeBeforeEarliestRestoreDate", "pointInTimeUTC " + t
                    + " is before the earliest restore point of '" + name + "', " + earliest + ".", "properties.pointInTimeUTC");
        }
        if (t.isAfter(end)) {
            throw ArmException.badRequest("PointInTimeAfterDeletion", "Server '" + name + "' was deleted at " + end
                    + "; choose a point in time before that.", "properties.pointInTimeUTC");
        }
        return source;
    }

    private static ArmException notFound(String name, String rg) {
        return ArmException.notFound("The source server '" + name + "' under resource group '" + rg
                + "' was not found (a deleted server is restorable for its backup retention period only).");
    }
}
