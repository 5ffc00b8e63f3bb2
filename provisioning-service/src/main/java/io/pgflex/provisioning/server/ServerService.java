package io.pgflex.provisioning.server;

import io.pgflex.provisioning.model.OperationDetail;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgflex.contracts.agent.Sku;
import io.pgflex.contracts.events.ServerRequested;
import io.pgflex.provisioning.model.OperationEntity;
import io.pgflex.provisioning.model.OperationKind;
import io.pgflex.provisioning.model.OperationStatus;
import io.pgflex.provisioning.model.ServerEntity;
import io.pgflex.provisioning.model.ServerLifecycle;
import io.pgflex.provisioning.model.ServerNames;
import io.pgflex.provisioning.model.ServerState;
import io.pgflex.provisioning.operation.Operations;
import io.pgflex.provisioning.placement.Placement;
import io.pgflex.support.auth.TenantGuard;
import io.pgflex.support.errors.ArmException;
import io.pgflex.support.outbox.Outbox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.postgresql.util.PasswordUtil;

/**
 * Accepts server requests: validates them, records the desired state and the operation that will
 * carry it out, and announces it, all in one transaction. {@code OperationRunner} does the rest.
 * Why this long: every kind of server request (create, restore, update, start/stop, restart, delete) is accepted
 * here with its quota and state checks; one class per request kind is open in issue 16.
 */
@ApplicationScoped
public class ServerService {
    private final Outbox outbox;
    private final Operations operations;
    private final Placement placement;
    private final ObjectMapper json;
    private final Clock clock;

    private final io.pgflex.provisioning.endpoint.Endpoints endpoints;
    private final Quota.Limits quota;

    public ServerService(Outbox outbox, Operations operations, Placement placement, ObjectMapper json, Clock clock,
                         io.pgflex.provisioning.endpoint.Endpoints endpoints, io.pgflex.provisioning.ProvisioningConfig config) {
        this.endpoints = endpoints;
        this.quota = new Quota.Limits(config.quota().servers(), config.quota().vcores(), config.quota().storageGb());
        this.outbox = outbox;
        this.operations = operations;
        this.placement = placement;
        this.json = json;
        this.clock = clock;
    }

    public record Accepted(ServerEntity server, OperationEntity operation, boolean created) {
    }

    /**
     * 409 QuotaExceeded when {@code adding} takes the subscription over its quota. The subscription's
     * requests are serialised (advisory lock for the transaction), so two at once cannot both fit.
     */
    private void withinQuota(String subscriptionId, Quota.Usage heldByOthers, Quota.Usage adding) {
        Quota.Usage held = heldByOthers != null ? heldByOthers : heldExcept(subscriptionId, null);
        Quota.exceeded(held, adding, quota, subscriptionId).ifPresent(reason -> {
            throw new ArmException(409, "QuotaExceeded", reason, null);
        });
    }

    /** The subscription's quota and what its servers hold now (quota usages: ARM's usages per location). */
    public Quota.Limits quota() {
        return quota;
    }

    public Quota.Usage held(String subscriptionId) {
        return Quota.held(ServerEntity.<ServerEntity>list("subscriptionId", subscriptionId).stream()
                .map(x -> Quota.of(x.skuName, x.storageGb, x.haMode)).toList());
    }

    private Quota.Usage heldExcept(String subscriptionId, java.util.UUID except) {
        ServerEntity.getEntityManager().createNativeQuery("SELECT pg_advisory_xact_lock(hashtext(?1))")
                .setParameter(1, "quota:" + subscriptionId).getSingleResult();
        return Quota.held(ServerEntity.<ServerEntity>list("subscriptionId", subscriptionId).stream()
                .filter(x -> !x.id.equals(except)).map(x -> Quota.of(x.skuName, x.storageGb, x.haMode)).toList());
    }

    /** Validates a create request completely before anything is written (versions come from the agents). */
    public Set<Integer> validateCreate(String subscriptionId, String name, ServerRequest request) {
        ServerNames.check(name);
        if (request == null) {
            throw ArmException.badRequest("InvalidRequestContent", "The request content is missing.", null);
        }
        ServerValidator.required(request.location(), "location");
        ServerRequest.Properties p = request.props();
        ServerValidator.createMode(p.createMode());
        ServerValidator.offered(p);
        RestoreSource source = restoreSource(subscriptionId, request);
        Sku sku = source != null && request.sku() == null ? Sku.ofApiName(source.skuName()).orElseThrow()
                : ServerValidator.sku(request.sku());
        Set<Integer> offered = placement.offeredMajors();
        if (source == null) {
            ServerValidator.administratorLogin(p.administratorLogin());
            ServerValidator.password(p.administratorLoginPassword(), p.administratorLogin());
            ServerValidator.version(p.version(), offered);
        } else {
            // the restored server is the source's data: same major, same admin login and password
            ServerValidator.version(source.version(), offered);
            if (p.version() != null && !p.version().equals(source.version())) {
                throw ArmException.badRequest("VersionMismatch", "A restore keeps the source's major version "
                        + source.version() + ".", "properties.version");
            }
        }
        ServerValidator.storage(p.storage() == null ? null : p.storage().storageSizeGB(), source == null ? null : source.storageGb());
        ServerValidator.backupRetention(p.backup() == null ? null : p.backup().backupRetentionDays());
        ServerValidator.highAvailability(p.highAvailability(), sku);
        ServerValidator.maintenanceWindow(p.maintenanceWindow());
        if (p.availabilityZone() != null && !placement.zones().contains(p.availabilityZone())) {
            throw ArmException.badRequest("InvalidAvailabilityZone", "Availability zone '" + p.availabilityZone()
                    + "' has no node agent; zones: " + placement.zones() + ".", "properties.availabilityZone");
        }
        if (p.highAvailability() != null) {
            placement.requireStandbyPlace(p.highAvailability().mode(), p.availabilityZone());
        }
        return offered;
    }

    /** The source of a PointInTimeRestore request (checked, in the caller's subscription), or null for other create modes. */
    public RestoreSource restoreSource(String subscriptionId, ServerRequest request) {
        if (!"PointInTimeRestore".equals(request.props().createMode())) {
            return null;
        }
        return RestoreSource.resolve(subscriptionId, request.props(), clock.instant());
    }

    @Transactional
    public Accepted create(String subscriptionId, String resourceGroup, String name, ServerRequest request,
                           TenantGuard.Caller caller) {
        if (ServerEntity.findByName(name).isPresent()) {
            throw new ArmException(409, "ServerNameAlreadyExists", "The server name '" + name + "' is already in use.", "name");
        }
        ServerRequest.Properties p = request.props();
        RestoreSource source = restoreSource(subscriptionId, request);
        ServerEntity s = new ServerEntity();
        s.id = UUID.randomUUID();
        s.subscriptionId = subscriptionId;
        s.resourceGroup = resourceGroup;
        s.name = name;
        s.location = request.location();
        s.tags = toJson(request.tags() == null ? Map.of() : request.tags());
        s.skuName = request.sku() != null ? request.sku().name() : source.skuName();
        s.skuTier = request.sku() != null ? request.sku().tier() : source.skuTier();
        if (source == null) {
            s.version = p.version();
            s.adminLogin = p.administratorLogin();
            s.adminPasswordVerifier = PasswordUtil.encodeScramSha256(p.administratorLoginPassword().toCharArray());
        } else {
            s.version = source.version();
            s.adminLogin = source.adminLogin();
            s.adminPasswordVerifier = source.adminPasswordVerifier();
            s.createMode = "PointInTimeRestore";
            s.sourceServerId = source.id();
            s.pointInTime = source.pointInTime();
        }
        int defaultStorage = source == null ? 32 : source.storageGb();
        s.storageGb = p.storage() == null || p.storage().storageSizeGB() == null ? defaultStorage : p.storage().storageSizeGB();
        s.storageAutoGrow = p.storage() != null && "Enabled".equalsIgnoreCase(p.storage().autoGrow());
        s.backupRetentionDays = p.backup() == null || p.backup().backupRetentionDays() == null ? 7 : p.backup().backupRetentionDays();
        s.geoRedundantBackup = p.backup() != null && "Enabled".equalsIgnoreCase(p.backup().geoRedundantBackup());
        s.haMode = p.highAvailability() == null || p.highAvailability().mode() == null ? "Disabled" : p.highAvailability().mode();
        s.availabilityZone = p.availabilityZone();
        applyMaintenance(s, p.maintenanceWindow());
        s.publicNetworkAccess = p.network() == null || !"Disabled".equalsIgnoreCase(p.network().publicNetworkAccess());
        s.parameters = "{}";
        withinQuota(subscriptionId, null, Quota.of(s.skuName, s.storageGb, s.haMode));
        s.state = ServerLifecycle.accept(OperationKind.Create, null, name);
        s.createdAt = clock.instant();
        s.updatedAt = s.createdAt;
        s.createdBy = caller.id();
        s.createdByType = caller.type();
        s.lastModifiedBy = caller.id();
        s.lastModifiedByType = caller.type();
        s.lastModifiedAt = s.createdAt;
        s.endpointPort = endpoints.allocatePort();
        s.persist();
        OperationEntity op = operations.start(s, OperationKind.Create, new OperationDetail.None());
        outbox.publish(new ServerRequested(s.id.toString(), s.subscriptionId, op.id.toString(), ServerRequested.VERSION,
                s.resourceGroup, s.name, s.location, s.skuName, s.skuTier, s.version, s.storageGb, s.haMode,
                s.backupRetentionDays, s.createMode, s.createdAt, s.maintenanceWindow()));
        return new Accepted(s, op, true);
    }

    /** PUT on an existing server or PATCH: only the parts given change; the admin login never does. */
    @Transactional
    public Accepted update(String subscriptionId, String resourceGroup, String name, ServerRequest request,
                           TenantGuard.Caller caller) {
        ServerEntity s = getForUpdate(subscriptionId, resourceGroup, name);
        Quota.Usage before = Quota.of(s.skuName, s.storageGb, s.haMode);
        Quota.Usage heldByOthers = heldExcept(subscriptionId, s.id);
        ServerRequest.Properties p = request == null ? new ServerRequest(null, null, null, null).props() : request.props();
        ServerValidator.offered(p);
        if (p.administratorLogin() != null && !p.administratorLogin().equals(s.adminLogin)) {
            throw ArmException.badRequest("AdministratorLoginCannotChange", "The administrator login of a server cannot change.",
                    "properties.administratorLogin");
        }
        if (p.version() != null && !p.version().equals(s.version)) {
            throw ArmException.badRequest("MajorVersionUpgradeNotSupported", "Changing the major version is not available.",
                    "properties.version");
        }
        Map<String, String> changes = new LinkedHashMap<>();
        Sku sku = Sku.ofApiName(s.skuName).orElseThrow();
        if (request != null && request.sku() != null) {
            sku = ServerValidator.sku(request.sku());
            change(changes, "sku", s.skuName, sku.apiName());
            if (sku.tier() == Sku.Tier.Burstable && pgBouncerEnabled(s)) {
                throw ArmException.badRequest("PgBouncerNotSupportedOnBurstable", "The built-in PgBouncer is on"
                        + " (pgbouncer.enabled); it is not offered on the Burstable tier. Turn it off first.", "sku.tier");
            }
        }
        ServerValidator.storage(p.storage() == null ? null : p.storage().storageSizeGB(), s.storageGb);
        ServerValidator.backupRetention(p.backup() == null ? null : p.backup().backupRetentionDays());
        ServerValidator.highAvailability(p.highAvailability(), sku);
        ServerValidator.maintenanceWindow(p.maintenanceWindow());
        if (p.administratorLoginPassword() != null) {
            ServerValidator.password(p.administratorLoginPassword(), s.adminLogin);
        }
        ServerState next = ServerLifecycle.accept(OperationKind.Update, s.state, s.name);

        if (request != null && request.sku() != null) {
            s.skuName = sku.apiName();
            s.skuTier = sku.tier().name();
        }
        if (p.storage() != null && p.storage().storageSizeGB() != null) {
            change(changes, "storageSizeGB", Integer.toString(s.storageGb), p.storage().storageSizeGB().toString());
            s.storageGb = p.storage().storageSizeGB();
        }
        if (p.storage() != null && p.storage().autoGrow() != null) {
            s.storageAutoGrow = "Enabled".equalsIgnoreCase(p.storage().autoGrow());
        }
        if (p.backup() != null && p.backup().backupRetentionDays() != null) {
            change(changes, "backupRetentionDays", Integer.toString(s.backupRetentionDays), p.backup().backupRetentionDays().toString());
            s.backupRetentionDays = p.backup().backupRetentionDays();
        }
        if (p.highAvailability() != null && p.highAvailability().mode() != null) {
            String mode = p.highAvailability().mode();
            if (!"Disabled".equals(s.haMode) && !"Disabled".equals(mode) && !mode.equals(s.haMode)) {
                throw ArmException.badRequest("HighAvailabilityModeChangeNotSupported", "High availability is " + s.haMode
                        + ": disable it before switching to " + mode + ".", "properties.highAvailability.mode");
            }
            if (!"Disabled".equals(mode) && !mode.equals(s.haMode)) {
                placement.requireStandbyPlace(mode, s.agentId == null ? null : placement.zone(s.agentId));
            }
            change(changes, "highAvailability.mode", s.haMode, p.highAvailability().mode());
            s.haMode = p.highAvailability().mode();
        }
        if (p.maintenanceWindow() != null) {
            applyMaintenance(s, p.maintenanceWindow());
            changes.put("maintenanceWindow", s.maintenanceCustom ? "custom" : "system-managed");
        }
        if (p.network() != null && p.network().publicNetworkAccess() != null) {
            s.publicNetworkAccess = !"Disabled".equalsIgnoreCase(p.network().publicNetworkAccess());
            changes.put("publicNetworkAccess", s.publicNetworkAccess ? "Enabled" : "Disabled");
        }
        if (p.administratorLoginPassword() != null) {
            s.adminPasswordVerifier = PasswordUtil.encodeScramSha256(p.administratorLoginPassword().toCharArray());
            changes.put("administratorLoginPassword", "changed");
        }
        if (request != null && request.tags() != null) {
            s.tags = toJson(request.tags());
            changes.put("tags", "changed");
        }
        Quota.Usage after = Quota.of(s.skuName, s.storageGb, s.haMode);
        withinQuota(subscriptionId, heldByOthers.plus(before),
                new Quota.Usage(0, after.vCores() - before.vCores(), after.storageGb() - before.storageGb()));
        s.state = next;
        s.updatedAt = clock.instant();
        s.lastModifiedBy = caller.id();
        s.lastModifiedByType = caller.type();
        s.lastModifiedAt = s.updatedAt;
        OperationEntity op = operations.start(s, OperationKind.Update, new OperationDetail.Update(changes));
        return new Accepted(s, op, false);
    }

    @Transactional
    public Accepted action(String subscriptionId, String resourceGroup, String name, OperationKind kind, OperationDetail detail) {
        ServerEntity s = getForUpdate(subscriptionId, resourceGroup, name);
        return action(s, kind, detail);
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public Accepted action(ServerEntity s, OperationKind kind, OperationDetail detail) {
        if (kind == OperationKind.Delete && s.state == ServerState.Dropping) {
            OperationEntity running = OperationEntity.<OperationEntity>find("serverId = ?1 and kind = ?2 and status = ?3",
                    s.id, OperationKind.Delete, OperationStatus.InProgress).firstResult();
            if (running != null) {
                return new Accepted(s, running, false);
            }
        }
        s.state = ServerLifecycle.accept(kind, s.state, s.name);
        s.updatedAt = clock.instant();
        return new Accepted(s, operations.start(s, kind, detail), false);
    }

    /**
     * A restart with failover: only with HA on. Whether the standby can take over now is decided by
     * ha-service (RequestDecision), which carries it out or refuses it with a reason (FailoverRefused:
     * the operation ends failed).
     */
    @Transactional
    public Accepted restartWithFailover(String subscriptionId, String resourceGroup, String name, String failoverMode) {
        ServerEntity s = getForUpdate(subscriptionId, resourceGroup, name);
        if ("Disabled".equals(s.haMode)) {
            throw ArmException.badRequest("HighAvailabilityNotEnabled",
                    "restartWithFailover needs a server with high availability enabled.", "restartWithFailover");
        }
        return action(s, OperationKind.Restart, new OperationDetail.Restart(true, failoverMode, false));
    }

    public ServerEntity get(String subscriptionId, String resourceGroup, String name) {
        return ServerEntity.findInGroup(subscriptionId, resourceGroup, name).orElseThrow(() -> notFound(resourceGroup, name));
    }

    /** The server, locked until the caller's transaction ends: for every request that changes it. */
    @Transactional(Transactional.TxType.MANDATORY)
    public ServerEntity getForUpdate(String subscriptionId, String resourceGroup, String name) {
        return ServerEntity.findInGroupForUpdate(subscriptionId, resourceGroup, name)
                .orElseThrow(() -> notFound(resourceGroup, name));
    }

    private static ArmException notFound(String resourceGroup, String name) {
        return ArmException.notFound("The Resource 'Microsoft.DBforPostgreSQL/flexibleServers/" + name
                + "' under resource group '" + resourceGroup + "' was not found.");
    }

    /** Up to {@code limit} servers by name after {@code after} (null: from the first), of a group or the subscription. */
    public List<ServerEntity> page(String subscriptionId, String resourceGroup, String after, int limit) {
        String from = after == null ? "" : after;
        var query = resourceGroup == null
                ? ServerEntity.<ServerEntity>find("subscriptionId = ?1 and name > ?2 order by name", subscriptionId, from)
                : ServerEntity.<ServerEntity>find("subscriptionId = ?1 and lower(resourceGroup) = lower(?2) and name > ?3"
                        + " order by name", subscriptionId, resourceGroup, from);
        return query.page(0, limit).list();
    }

    /** Whether the server's parameters turn the built-in PgBouncer on. */
    public boolean pgBouncerEnabled(ServerEntity s) {
        try {
            Map<?, ?> parameters = json.readValue(s.parameters, Map.class);
            Object v = parameters.get("pgbouncer.enabled");
            return v != null && io.pgflex.provisioning.model.ParameterPolicy.on(v.toString());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void applyMaintenance(ServerEntity s, ServerRequest.MaintenanceWindow w) {
        s.maintenanceCustom = w != null && "Enabled".equalsIgnoreCase(w.customWindow());
        s.maintenanceDay = s.maintenanceCustom ? w.dayOfWeek() : 0;
        s.maintenanceHour = s.maintenanceCustom ? w.startHour() : 0;
        s.maintenanceMinute = s.maintenanceCustom ? w.startMinute() : 0;
    }

    private static void change(Map<String, String> changes, String field, String from, String to) {
        if (!java.util.Objects.equals(from, to)) {
            changes.put(field, from + " -> " + to);
        }
    }

    private String toJson(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
