package io.pgflex.provisioning.server;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;

/**
 * ARM representation of a flexible server. The admin password is write-only and never appears.
 * Beside ARM's fields, two pgflex extensions: {@code properties.port} and
 * {@code properties.connectionString} (libpq form, sslmode=require, no password).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ServerResponse(String id, String name, String type, String location, Map<String, String> tags,
                             ServerRequest.Sku sku, SystemData systemData, Properties properties) {
    public static final String TYPE = "Microsoft.DBforPostgreSQL/flexibleServers";
    private static final ObjectMapper JSON = new ObjectMapper();

    public record SystemData(String createdAt, String lastModifiedAt) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Properties(String version, String minorVersion, String administratorLogin, Storage storage, Backup backup,
                             HighAvailability highAvailability, MaintenanceWindow maintenanceWindow, Network network,
                             String availabilityZone, String state, String fullyQualifiedDomainName, Integer port,
                             String connectionString, String resourceLimits) {
    }

    public record Storage(int storageSizeGB, String autoGrow) {
    }

    public record Backup(int backupRetentionDays, String geoRedundantBackup) {
    }

    public record HighAvailability(String mode, String state) {
    }

    public record MaintenanceWindow(String customWindow, int dayOfWeek, int startHour, int startMinute) {
    }

    public record Network(String publicNetworkAccess) {
    }

    static ServerResponse of(ServerEntity s) {
        String connection = s.host == null || s.port == null ? null
                : "host=" + s.host + " port=" + s.port + " dbname=postgres user=" + s.adminLogin + " sslmode=require";
        return new ServerResponse(s.resourceId(), s.name, TYPE, s.location, tags(s.tags),
                new ServerRequest.Sku(s.skuName, s.skuTier),
                new SystemData(s.createdAt.toString(), s.updatedAt.toString()),
                new Properties(s.version, s.minorVersion, s.adminLogin,
                        new Storage(s.storageGb, s.storageAutoGrow ? "Enabled" : "Disabled"),
                        new Backup(s.backupRetentionDays, s.geoRedundantBackup ? "Enabled" : "Disabled"),
                        new HighAvailability(s.haMode, "NotEnabled"),
                        new MaintenanceWindow(s.maintenanceCustom ? "Enabled" : "Disabled", s.maintenanceDay, s.maintenanceHour,
                                s.maintenanceMinute),
                        new Network(s.publicNetworkAccess ? "Enabled" : "Disabled"),
                        s.availabilityZone, s.state.name(), s.host, s.port, connection, s.resourceLimits));
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
