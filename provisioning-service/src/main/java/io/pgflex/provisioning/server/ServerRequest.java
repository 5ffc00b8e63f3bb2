package io.pgflex.provisioning.server;

import java.util.Map;

/** Body of PUT and PATCH …/flexibleServers/{name}, as ARM shapes it. Absent parts are null. */
public record ServerRequest(String location, Sku sku, Map<String, String> tags, Properties properties) {

    public record Sku(String name, String tier) {
    }

    public record Properties(String version, String administratorLogin, String administratorLoginPassword,
                             Storage storage, Backup backup, HighAvailability highAvailability,
                             MaintenanceWindow maintenanceWindow, Network network, String availabilityZone,
                             String createMode, String sourceServerResourceId, String pointInTimeUTC,
                             AuthConfig authConfig, DataEncryption dataEncryption) {
    }

    public record AuthConfig(String activeDirectoryAuth, String passwordAuth) {
    }

    public record DataEncryption(String type) {
    }

    public record Storage(Integer storageSizeGB, String autoGrow) {
    }

    public record Backup(Integer backupRetentionDays, String geoRedundantBackup) {
    }

    public record HighAvailability(String mode, String standbyAvailabilityZone) {
    }

    public record MaintenanceWindow(String customWindow, Integer dayOfWeek, Integer startHour, Integer startMinute) {
    }

    public record Network(String publicNetworkAccess, String delegatedSubnetResourceId, String privateDnsZoneArmResourceId) {
    }

    public Properties props() {
        return properties == null ? new Properties(null, null, null, null, null, null, null, null, null, null, null, null, null, null)
                : properties;
    }
}
