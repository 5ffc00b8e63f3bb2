package io.pgflex.provisioning.server;

import io.pgflex.contracts.agent.Sku;
import io.pgflex.provisioning.model.StorageTiers;
import io.pgflex.support.errors.ArmException;
import io.pgflex.support.errors.ErrorCodes;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** The rules a server request must follow, as pure checks: each failure is a 400 with an ARM code and target. */
public final class ServerValidator {
    static final Pattern LOGIN = Pattern.compile("^[a-zA-Z_][a-zA-Z0-9_]{0,62}$");
    static final Set<String> RESERVED_LOGINS = Set.of("azure_superuser", "azure_pg_admin", "admin", "administrator",
            "root", "guest", "public", "postgres", "pgflex_agent", "replication", "pgbouncer");
    static final Set<String> HA_MODES = Set.of("Disabled", "ZoneRedundant", "SameZone");

    private ServerValidator() {
    }

    public static void administratorLogin(String login) {
        if (login == null || login.isBlank()) {
            throw bad(ErrorCodes.INVALID_PARAMETER_VALUE, "properties.administratorLogin is required.", "properties.administratorLogin");
        }
        String lower = login.toLowerCase(Locale.ROOT);
        if (RESERVED_LOGINS.contains(lower) || lower.startsWith("pg_") || lower.startsWith("pgflex")) {
            throw bad("InvalidAdministratorLogin", "The administrator login '" + login + "' is reserved: it cannot be one of "
                    + "azure_superuser, admin, administrator, root, guest, public, postgres, nor start with pg_ or pgflex"
                    + " (the platform's own roles).",
                    "properties.administratorLogin");
        }
        if (!LOGIN.matcher(login).matches()) {
            throw bad("InvalidAdministratorLogin", "The administrator login must be 1 to 63 letters, digits or underscores"
                    + " and must not start with a digit.", "properties.administratorLogin");
        }
    }

    public static void password(String password, String login) {
        String target = "properties.administratorLoginPassword";
        if (password == null || password.isEmpty()) {
            throw bad(ErrorCodes.INVALID_PARAMETER_VALUE, "properties.administratorLoginPassword is required.", target);
        }
        if (password.length() < 8 || password.length() > 128) {
            throw bad("PasswordNotComplex", "The password must be 8 to 128 characters long.", target);
        }
        int classes = (password.chars().anyMatch(Character::isUpperCase) ? 1 : 0)
                + (password.chars().anyMatch(Character::isLowerCase) ? 1 : 0)
                + (password.chars().anyMatch(Character::isDigit) ? 1 : 0)
                + (password.chars().anyMatch(c -> !Character.isLetterOrDigit(c)) ? 1 : 0);
        if (classes < 3) {
            throw bad("PasswordNotComplex", "The password must contain characters from three of these: uppercase letters,"
                    + " lowercase letters, digits, non-alphanumeric characters.", target);
        }
        if (login != null && !login.isBlank() && password.toLowerCase(Locale.ROOT).contains(login.toLowerCase(Locale.ROOT))) {
            throw bad("PasswordNotComplex", "The password must not contain the administrator login.", target);
        }
    }

    public static Sku sku(ServerRequest.Sku sku) {
        if (sku == null || sku.name() == null || sku.tier() == null) {
            throw bad(ErrorCodes.INVALID_PARAMETER_VALUE, "sku.name and sku.tier are required.", "sku");
        }
        Sku known = Sku.ofApiName(sku.name()).orElseThrow(() -> bad("InvalidSku", "The SKU '" + sku.name()
                + "' is not offered (e.g. Standard_B1ms, Standard_D2ds_v5, Standard_E4ds_v5).", "sku.name"));
        if (!known.tier().name().equals(sku.tier())) {
            throw bad("InvalidSku", "The SKU '" + sku.name() + "' belongs to the " + known.tier() + " tier, not '"
                    + sku.tier() + "'.", "sku.tier");
        }
        return known;
    }

    public static void version(String version, Set<Integer> offered) {
        if (version == null || version.isBlank()) {
            throw bad(ErrorCodes.INVALID_PARAMETER_VALUE, "properties.version is required.", "properties.version");
        }
        if (!version.matches("\\d{2}") || !offered.contains(Integer.parseInt(version))) {
            throw bad("UnsupportedServerVersion", "PostgreSQL version '" + version + "' is not offered; offered versions: "
                    + offered + ".", "properties.version");
        }
    }

    public static void storage(Integer sizeGb, Integer currentGb) {
        if (sizeGb == null) {
            return;
        }
        if (!StorageTiers.STORAGE_SIZES.contains(sizeGb)) {
            throw bad("InvalidStorageSize", "Storage size " + sizeGb + " GiB is not offered; sizes: " + StorageTiers.STORAGE_SIZES + ".",
                    "properties.storage.storageSizeGB");
        }
        if (currentGb != null && sizeGb < currentGb) {
            throw bad("StorageSizeCannotShrink", "Storage can only grow: the server has " + currentGb + " GiB, "
                    + sizeGb + " GiB was asked.", "properties.storage.storageSizeGB");
        }
    }

    public static void backupRetention(Integer days) {
        if (days != null && (days < 7 || days > 35)) {
            throw bad("InvalidBackupRetentionDays", "Backup retention must be 7 to 35 days, not " + days + ".",
                    "properties.backup.backupRetentionDays");
        }
    }

    public static void highAvailability(ServerRequest.HighAvailability ha, Sku sku) {
        if (ha == null || ha.mode() == null) {
            return;
        }
        if (!HA_MODES.contains(ha.mode())) {
            throw bad("InvalidHighAvailabilityMode", "High availability mode must be Disabled, ZoneRedundant or SameZone,"
                    + " not '" + ha.mode() + "'.", "properties.highAvailability.mode");
        }
        if (!"Disabled".equals(ha.mode()) && sku.tier() == Sku.Tier.Burstable) {
            throw bad("HighAvailabilityNotSupportedForBurstable", "High availability is not offered on the Burstable tier.",
                    "properties.highAvailability.mode");
        }
    }

    public static void maintenanceWindow(ServerRequest.MaintenanceWindow w) {
        if (w == null || !"Enabled".equalsIgnoreCase(w.customWindow())) {
            return;
        }
        if (w.dayOfWeek() == null || w.dayOfWeek() < 0 || w.dayOfWeek() > 6 || w.startHour() == null || w.startHour() < 0
                || w.startHour() > 23 || w.startMinute() == null || w.startMinute() < 0 || w.startMinute() > 59) {
            throw bad("InvalidMaintenanceWindow", "A custom maintenance window needs dayOfWeek 0-6 (0 = Sunday),"
                    + " startHour 0-23 and startMinute 0-59.", "properties.maintenanceWindow");
        }
    }

    public static void createMode(String createMode) {
        if (createMode != null && !Set.of("Default", "Create", "PointInTimeRestore").contains(createMode)) {
            throw bad("UnsupportedCreateMode", "createMode '" + createMode + "' is not available; use Default or"
                    + " PointInTimeRestore.",
                    "properties.createMode");
        }
    }

    /**
     * What a self-hosted server cannot be asked for: private access in an Azure virtual network (servers
     * are reached at their endpoint, guarded by firewall rules), Microsoft Entra authentication, keys
     * in Azure Key Vault (data at rest is encrypted by the platform). Each is a 400 FeatureNotOffered,
     * never silently a public, password-only, platform-encrypted server.
     */
    public static void offered(ServerRequest.Properties p) {
        ServerRequest.Network n = p.network();
        if (n != null && n.publicNetworkAccess() != null && !Set.of("enabled", "disabled").contains(n.publicNetworkAccess()
                .toLowerCase(java.util.Locale.ROOT))) {
            throw bad(ErrorCodes.INVALID_PARAMETER_VALUE, "publicNetworkAccess is Enabled or Disabled.",
                    "properties.network.publicNetworkAccess");
        }
        if (n != null && (notBlank(n.delegatedSubnetResourceId()) || notBlank(n.privateDnsZoneArmResourceId()))) {
            throw bad("FeatureNotOffered", "pgflex does not offer private access in an Azure virtual network (delegated"
                    + " subnet, private DNS zone): servers are reached at their endpoint, guarded by firewall rules and"
                    + " publicNetworkAccess.", notBlank(n.delegatedSubnetResourceId()) ? "properties.network.delegatedSubnetResourceId"
                    : "properties.network.privateDnsZoneArmResourceId");
        }
        ServerRequest.AuthConfig a = p.authConfig();
        if (a != null && "Enabled".equalsIgnoreCase(a.activeDirectoryAuth())) {
            throw bad("FeatureNotOffered", "pgflex does not offer Microsoft Entra authentication: servers authenticate"
                    + " with passwords (authConfig.activeDirectoryAuth Disabled).", "properties.authConfig.activeDirectoryAuth");
        }
        if (a != null && "Disabled".equalsIgnoreCase(a.passwordAuth())) {
            throw bad("FeatureNotOffered", "Password authentication is the only sign-in a pgflex server offers; it cannot"
                    + " be disabled.", "properties.authConfig.passwordAuth");
        }
        ServerRequest.DataEncryption d = p.dataEncryption();
        if (d != null && d.type() != null && !"SystemManaged".equalsIgnoreCase(d.type())) {
            throw bad("FeatureNotOffered", "pgflex does not offer customer-managed keys (" + d.type() + "): data at rest"
                    + " is encrypted with the platform's keys (dataEncryption.type SystemManaged).",
                    "properties.dataEncryption.type");
        }
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }

    public static void required(String value, String target) {
        if (value == null || value.isBlank()) {
            throw bad(ErrorCodes.INVALID_PARAMETER_VALUE, target + " is required.", target);
        }
    }

    static ArmException bad(String code, String message, String target) {
        return ArmException.badRequest(code, message, target);
    }
}
