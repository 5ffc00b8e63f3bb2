package io.pgflex.provisioning.server;

import io.pgflex.contracts.events.ServerRequested;
import io.pgflex.support.errors.ArmException;
import io.pgflex.support.errors.ErrorCodes;
import io.pgflex.support.outbox.Outbox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/** Server create and read. The record and its ServerRequested event commit together (outbox). */
@ApplicationScoped
public class ServerService {
    private static final Pattern NAME = Pattern.compile("^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])$");

    private final Outbox outbox;
    private final Clock clock;

    public ServerService(Outbox outbox, Clock clock) {
        this.outbox = outbox;
        this.clock = clock;
    }

    @Transactional
    public ServerEntity create(String subscriptionId, String resourceGroup, String name, ServerRequest request) {
        validate(name, request);
        if (ServerEntity.findByName(name).isPresent()) {
            throw new ArmException(409, "ServerNameAlreadyExists", "The server name '" + name + "' is already in use.", "name");
        }
        ServerEntity server = new ServerEntity();
        server.id = UUID.randomUUID();
        server.subscriptionId = subscriptionId;
        server.resourceGroup = resourceGroup;
        server.name = name;
        server.location = request.location();
        server.skuName = request.sku().name();
        server.skuTier = request.sku().tier();
        server.version = request.properties().version();
        server.adminLogin = request.properties().administratorLogin();
        server.storageGb = request.properties().storage() == null || request.properties().storage().storageSizeGB() == null
                ? 32 : request.properties().storage().storageSizeGB();
        server.state = ServerState.Provisioning;
        server.createdAt = clock.instant();
        server.updatedAt = server.createdAt;
        server.persist();
        outbox.publish(requested(server, request));
        return server;
    }

    public ServerEntity get(String subscriptionId, String resourceGroup, String name) {
        return ServerEntity.findInGroup(subscriptionId, resourceGroup, name).orElseThrow(() -> ArmException.notFound(
                "The Resource 'Microsoft.DBforPostgreSQL/flexibleServers/" + name + "' under resource group '"
                        + resourceGroup + "' was not found."));
    }

    public List<ServerEntity> list(String subscriptionId, String resourceGroup) {
        return ServerEntity.list("subscriptionId = ?1 and lower(resourceGroup) = lower(?2) order by name",
                subscriptionId, resourceGroup);
    }

    private ServerRequested requested(ServerEntity s, ServerRequest request) {
        String haMode = request.properties().highAvailability() == null ? "Disabled"
                : request.properties().highAvailability().mode();
        int retention = request.properties().backup() == null || request.properties().backup().backupRetentionDays() == null
                ? 7 : request.properties().backup().backupRetentionDays();
        return new ServerRequested(s.id.toString(), s.subscriptionId, null, ServerRequested.VERSION, s.resourceGroup,
                s.name, s.location, s.skuName, s.skuTier, s.version, s.storageGb, haMode, retention, "Default", s.createdAt);
    }

    private static void validate(String name, ServerRequest request) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw ArmException.badRequest("InvalidServerName", "Server name '" + name + "' must be 3 to 63 characters of"
                    + " lowercase letters, digits and hyphens, and must not start or end with a hyphen.", "name");
        }
        if (request == null) {
            throw ArmException.badRequest(ErrorCodes.INVALID_REQUEST_CONTENT, "The request content is missing.", null);
        }
        require(request.location(), "location");
        require(request.sku() == null ? null : request.sku().name(), "sku.name");
        require(request.sku() == null ? null : request.sku().tier(), "sku.tier");
        if (request.properties() == null) {
            throw ArmException.badRequest(ErrorCodes.INVALID_REQUEST_CONTENT, "properties is required.", "properties");
        }
        require(request.properties().version(), "properties.version");
        require(request.properties().administratorLogin(), "properties.administratorLogin");
        require(request.properties().administratorLoginPassword(), "properties.administratorLoginPassword");
    }

    private static void require(String value, String field) {
        if (value == null || value.isBlank()) {
            throw ArmException.badRequest(ErrorCodes.INVALID_PARAMETER_VALUE, field + " is required.", field);
        }
    }
}
