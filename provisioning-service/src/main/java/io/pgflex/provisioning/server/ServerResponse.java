package io.pgflex.provisioning.server;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgflex.provisioning.model.ServerEntity;
import io.pgflex.provisioning.model.StorageTiers;
import java.util.Map;

/**
 * ARM representation of a flexible server. The admin password is write-only and never appears.
 * {@code fullyQualifiedDomainName} and the pgflex extension {@code properties.port} are the server's
 * stable endpoint (the router: always the current primary); the instances' own ports stay internal.
 * Further extensions: {@code caCertificate}, the PEM of the CA that signed the server's certificate
 * (save it as {@code <name>-ca.crt}); libpq strings without a password that verify the server with
 * it ({@code sslmode=verify-full sslrootcert=<name>-ca.crt}): {@code connectionString} (the endpoint),
 * {@code multiHostConnectionString} (every instance, target_session_attrs=read-write, for clients that
 * prefer to find the primary themselves) and, when the built-in PgBouncer is on, {@code pgBouncerPort}
 * and {@code pgBouncerConnectionString}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ServerResponse(String id, String name, String type, String location, Map<String, String> tags,
                             ServerRequest.Sku sku, SystemData systemData, Properties properties) {
    public static final String TYPE = "Microsoft.DBforPostgreSQL/flexibleServers";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** ARM's systemData; a server created before pgflex kept its creator has none of the *By fields. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SystemData(String createdBy, String createdByType, String createdAt, String lastModifiedBy,
                             String lastModifiedByType, String lastModifiedAt) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Properties(String version, String minorVersion, String administratorLogin, Storage storage, Backup backup,
                             HighAvailability highAvailability, MaintenanceWindow maintenanceWindow, Network network,
                             String availabilityZone, String state, String fullyQualifiedDomainName, Integer port,
                             String connectionString, String multiHostConnectionString, Integer pgBouncerPort,
                             String pgBouncerConnectionString, String resourceLimits, String caCertificate,
                             AuthConfig authConfig, DataEncryption dataEncryption, String replicationRole,
                             int replicaCapacity, String createMode) {
    }

    /**
     * @param readOnly storage reached 95 % and could not grow: writes fail until it is under 95 % again
     * @param tier     the size's Premium SSD tier and {@code iops} its IOPS, as Azure shows them (nominal: see
     *                 {@link StorageTiers})
     */
    public record Storage(int storageSizeGB, String autoGrow, boolean readOnly, String tier, int iops, String type) {
        static Storage of(int sizeGb, boolean autoGrow, boolean readOnly) {
            StorageTiers.Tier tier = StorageTiers.of(sizeGb);
            return new Storage(sizeGb, autoGrow ? "Enabled" : "Disabled", readOnly, tier.name(), tier.iops(), StorageTiers.TYPE);
        }
    }

    /** Password authentication only (no Microsoft Entra ID in a self-hosted service). */
    public record AuthConfig(String passwordAuth, String activeDirectoryAuth) {
        static final AuthConfig PASSWORD_ONLY = new AuthConfig("Enabled", "Disabled");
    }

    /**
     * No customer-managed keys: backups are encrypted with the platform's backup key, the data directory is as
     * protected as the host disks the operator gives the node agents (docs/security.md).
     */
    public record DataEncryption(String type) {
        static final DataEncryption SYSTEM_MANAGED = new DataEncryption("SystemManaged");
    }

    /** @param earliestRestoreDate the earliest point a point-in-time restore reaches now (null before the first backup) */
    public record Backup(int backupRetentionDays, String geoRedundantBackup, String earliestRestoreDate) {
    }

    /**
     * @param degradedReason pgflex's addition: why the primary does not answer, or else why the server
     *                       runs without a synchronous standby right now (writes are not waiting for
     *                       one); null when all is well
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record HighAvailability(String mode, String state, String standbyAvailabilityZone, String degradedReason) {
    }

    public record MaintenanceWindow(String customWindow, int dayOfWeek, int startHour, int startMinute) {
    }

    public record Network(String publicNetworkAccess) {
    }

    static ServerResponse of(ServerEntity s, String endpointHost, Integer pgBouncerPort) {
        boolean placed = s.host != null && s.port != null;
        String connection = !placed || s.endpointPort == null ? null : libpq(endpointHost, s.endpointPort, s);
        boolean standby = s.standbyHost != null && s.standbyPort != null;
        String multiHost = !placed ? null : "host=" + s.host + (standby ? "," + s.standbyHost : "") + " port=" + s.port
                + (standby ? "," + s.standbyPort : "") + " dbname=postgres user=" + s.adminLogin
                + " " + verifyFull(s) + " target_session_attrs=read-write";
        String bouncer = !placed || pgBouncerPort == null ? null : libpq(endpointHost, pgBouncerPort, s);
        return new ServerResponse(s.resourceId(), s.name, TYPE, s.location, tags(s.tags),
                new ServerRequest.Sku(s.skuName, s.skuTier),
                new SystemData(s.createdBy, s.createdByType, s.createdAt.toString(), s.lastModifiedBy, s.lastModifiedByType,
                        (s.lastModifiedAt == null ? s.updatedAt : s.lastModifiedAt).toString()),
                new Properties(s.version, s.minorVersion, s.adminLogin,
                        Storage.of(s.storageGb, s.storageAutoGrow, s.storageReadOnly),
                        new Backup(s.backupRetentionDays, s.geoRedundantBackup ? "Enabled" : "Disabled",
                                java.util.Optional.ofNullable(s.earliestRestoreDate(java.time.Instant.now()))
                                        .map(Object::toString).orElse(null)),
                        new HighAvailability(s.haMode, s.haState, s.standbyZone, s.haDegradedReason),
                        new MaintenanceWindow(s.maintenanceCustom ? "Enabled" : "Disabled", s.maintenanceDay, s.maintenanceHour,
                                s.maintenanceMinute),
                        new Network(s.publicNetworkAccess ? "Enabled" : "Disabled"),
                        s.availabilityZone, s.shownState().name(), placed ? endpointHost : null, placed ? s.endpointPort : null,
                        connection, multiHost, placed ? pgBouncerPort : null, bouncer, s.resourceLimits, s.caCertificate,
                        AuthConfig.PASSWORD_ONLY, DataEncryption.SYSTEM_MANAGED, "Primary", 0, s.createMode));
    }

    private static String libpq(String host, int port, ServerEntity s) {
        return "host=" + host + " port=" + port + " dbname=postgres user=" + s.adminLogin + " " + verifyFull(s);
    }

    /** TLS with the server's certificate checked against its published CA and the host name in it. */
    private static String verifyFull(ServerEntity s) {
        return "sslmode=verify-full sslrootcert=" + s.name + "-ca.crt";
    }

    static Map<String, String> tags(String json) {
        try {
            return JSON.readValue(json, new TypeReference<Map<String, String>>() {
            });
        } catch (Exception e) {
            return Map.of();
        }
    }
}
