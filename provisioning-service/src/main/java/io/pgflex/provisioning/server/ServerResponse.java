package io.pgflex.provisioning.server;

/** ARM representation of a flexible server. The admin password is write-only and never appears here. */
public record ServerResponse(String id, String name, String type, String location, ServerRequest.Sku sku,
                             Properties properties) {
    public static final String TYPE = "Microsoft.DBforPostgreSQL/flexibleServers";

    public record Properties(String version, String administratorLogin, ServerRequest.Storage storage, String state) {
    }

    static ServerResponse of(ServerEntity s) {
        String id = "/subscriptions/" + s.subscriptionId + "/resourceGroups/" + s.resourceGroup
                + "/providers/Microsoft.DBforPostgreSQL/flexibleServers/" + s.name;
        return new ServerResponse(id, s.name, TYPE, s.location, new ServerRequest.Sku(s.skuName, s.skuTier),
                new Properties(s.version, s.adminLogin, new ServerRequest.Storage(s.storageGb), s.state.name()));
    }
}
