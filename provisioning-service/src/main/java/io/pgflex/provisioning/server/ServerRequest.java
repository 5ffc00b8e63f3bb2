package io.pgflex.provisioning.server;

import java.util.Map;

/** Body of PUT …/flexibleServers/{name} (the parts pgflex reads so far). */
public record ServerRequest(String location, Sku sku, Map<String, String> tags, Properties properties) {

    public record Sku(String name, String tier) {
    }

    public record Properties(String version, String administratorLogin, String administratorLoginPassword,
                             Storage storage, HighAvailability highAvailability, Backup backup, String createMode) {
    }

    public record Storage(Integer storageSizeGB) {
    }

    public record HighAvailability(String mode) {
    }

    public record Backup(Integer backupRetentionDays) {
    }
}
