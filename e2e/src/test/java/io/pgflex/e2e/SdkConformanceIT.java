package io.pgflex.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.management.AzureEnvironment;
import com.azure.core.management.ResourceAuthorIdentityType;
import com.azure.core.management.SystemData;
import com.azure.core.management.exception.ManagementException;
import com.azure.core.management.profile.AzureProfile;
import com.azure.resourcemanager.postgresqlflexibleserver.PostgreSqlManager;
import com.azure.resourcemanager.postgresqlflexibleserver.models.ActiveDirectoryAuthEnum;
import com.azure.resourcemanager.postgresqlflexibleserver.models.CheckNameAvailabilityReason;
import com.azure.resourcemanager.postgresqlflexibleserver.models.CheckNameAvailabilityRequest;
import com.azure.resourcemanager.postgresqlflexibleserver.models.Configuration;
import com.azure.resourcemanager.postgresqlflexibleserver.models.Database;
import com.azure.resourcemanager.postgresqlflexibleserver.models.FirewallRule;
import com.azure.resourcemanager.postgresqlflexibleserver.models.FlexibleServerCapability;
import com.azure.resourcemanager.postgresqlflexibleserver.models.LogFile;
import com.azure.resourcemanager.postgresqlflexibleserver.models.NameAvailability;
import com.azure.resourcemanager.postgresqlflexibleserver.models.Network;
import com.azure.resourcemanager.postgresqlflexibleserver.models.Origin;
import com.azure.resourcemanager.postgresqlflexibleserver.models.PasswordAuthEnum;
import com.azure.resourcemanager.postgresqlflexibleserver.models.ReplicationRole;
import com.azure.resourcemanager.postgresqlflexibleserver.models.RestrictedEnum;
import com.azure.resourcemanager.postgresqlflexibleserver.models.Server;
import com.azure.resourcemanager.postgresqlflexibleserver.models.ServerBackup;
import com.azure.resourcemanager.postgresqlflexibleserver.models.ServerState;
import com.azure.resourcemanager.postgresqlflexibleserver.models.ServerVersion;
import com.azure.resourcemanager.postgresqlflexibleserver.models.Sku;
import com.azure.resourcemanager.postgresqlflexibleserver.models.SkuTier;
import com.azure.resourcemanager.postgresqlflexibleserver.models.Storage;
import io.pgflex.testkit.Pki;
import io.pgflex.testkit.Tokens;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import reactor.core.publisher.Mono;

/**
 * Conformance with Microsoft's Azure SDK for Java ({@code azure-resourcemanager-postgresqlflexibleserver}): the SDK
 * talks to pgflex through the real API gateway (HAProxy, HTTPS with the platform CA), with a pgflex API token as its
 * credential and the gateway as its resource-manager endpoint — nothing else is adapted. One server lives through the
 * ordered methods (create, read, list, update, stop/start/restart, firewall rules, parameters, databases, delete);
 * each method checks one operation group's results.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SdkConformanceIT {
    static final String SUB = "sub-e2e-sdk";
    static final String RG = "rg-sdk";
    static final String NAME = "sdk-conformance";
    static final String OTHER = "sdk-conformance-b";
    static final String PASSWORD = "Sdk-Conformance-Pw1";
    static PostgreSqlManager manager;

    @BeforeAll
    static void sdk() {
        String url = Gateway.url();
        TokenCredential pgflexToken = request -> Mono.just(new AccessToken(Tokens.of(SUB, "Owner"),
                OffsetDateTime.now().plusHours(1)));
        // the gateway is the resource manager; the token comes from pgflex, not from Microsoft Entra ID
        AzureEnvironment pgflex = new AzureEnvironment(Map.of(
                "resourceManagerEndpointUrl", url + "/",
                "managementEndpointUrl", url + "/",
                "activeDirectoryEndpointUrl", url + "/"));
        HttpClient https = new JdkHttpClientBuilder(java.net.http.HttpClient.newBuilder().sslContext(Pki.sslContext(null)))
                .build();
        manager = PostgreSqlManager.configure().withHttpClient(https).withDefaultPollInterval(Duration.ofSeconds(1))
                .authenticate(pgflexToken, new AzureProfile("pgflex", SUB, pgflex));
    }

    private static Server create(String name, String skuName, SkuTier tier) {
        return manager.servers().define(name).withRegion("local").withExistingResourceGroup(RG)
                .withSku(new Sku().withName(skuName).withTier(tier))
                .withAdministratorLogin("sdkadmin").withAdministratorLoginPassword(PASSWORD)
                .withVersion(ServerVersion.ONE_SIX)
                .withStorage(new Storage().withStorageSizeGB(32))
                .withTags(Map.of("owner", "sdk"))
                .create();
    }

    @Test
    @Order(10)
    void aFreeNameIsAvailableInTheSubscriptionAndTheLocation() {
        CheckNameAvailabilityRequest ask = new CheckNameAvailabilityRequest().withName(NAME)
                .withType("Microsoft.DBforPostgreSQL/flexibleServers");
        assertTrue(manager.checkNameAvailabilities().execute(ask).nameAvailable());
        assertTrue(manager.checkNameAvailabilityWithLocations().execute("local", ask).nameAvailable());
    }

    @Test
    @Order(20)
    void createReturnsAReadyServerInTheFullModel() throws Exception {
        Server server = create(NAME, "Standard_D2ds_v5", SkuTier.GENERAL_PURPOSE);
        assertEquals(ServerState.READY, server.state());
        assertEquals(ServerVersion.ONE_SIX, server.version());
        assertEquals("Standard_D2ds_v5", server.sku().name());
        assertEquals(32, server.storage().storageSizeGB());
        assertEquals("P4", server.storage().tier().toString());
        assertEquals(120, server.storage().iops());
        assertEquals(PasswordAuthEnum.ENABLED, server.authConfig().passwordAuth());
        assertEquals(ActiveDirectoryAuthEnum.DISABLED, server.authConfig().activeDirectoryAuth());
        assertEquals(ReplicationRole.PRIMARY, server.replicationRole());
        assertNotNull(server.fullyQualifiedDomainName());
        assertEquals("sdk", server.tags().get("owner"));
        // the server the SDK created takes a connection over verified TLS, once a firewall rule admits the client
        manager.firewallRules().define("local").withExistingFlexibleServer(RG, NAME).withStartIpAddress("127.0.0.1")
                .withEndIpAddress("127.0.0.1").create();
        try (Connection c = Stack.connect(port(), "sdkadmin", PASSWORD); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_setting('server_version_num')::int / 10000")) {
            rs.next();
            assertEquals(16, rs.getInt(1));
        }
    }

    @Test
    @Order(30)
    void aTakenNameIsReportedAsAlreadyExisting() {
        NameAvailability answer = manager.checkNameAvailabilityWithLocations().execute("local",
                new CheckNameAvailabilityRequest().withName(NAME).withType("Microsoft.DBforPostgreSQL/flexibleServers"));
        assertFalse(answer.nameAvailable());
        assertEquals(CheckNameAvailabilityReason.ALREADY_EXISTS, answer.reason());
    }

    @Test
    @Order(40)
    void listsFollowNextLinkAndCarryTheFullModel() {
        create(OTHER, "Standard_B1ms", SkuTier.BURSTABLE); // the test stack pages after one server
        List<Server> bySubscription = manager.servers().list().stream().toList();
        assertEquals(List.of(NAME, OTHER), bySubscription.stream().map(Server::name).sorted().toList());
        assertTrue(bySubscription.stream().allMatch(s -> s.sku() != null && s.version() != null && s.state() != null),
                "every server of the subscription list in full");
        assertEquals(List.of(NAME, OTHER), manager.servers().listByResourceGroup(RG).stream().map(Server::name).sorted()
                .toList());
    }

    @Test
    @Order(50)
    void updateChangesTagsAndKeepsTheRest() {
        Server updated = manager.servers().getByResourceGroup(RG, NAME).update().withTags(Map.of("owner", "sdk", "env", "ci"))
                .apply();
        assertEquals("ci", updated.tags().get("env"));
        Server read = manager.servers().getByResourceGroup(RG, NAME);
        assertEquals(Map.of("owner", "sdk", "env", "ci"), read.tags());
        assertEquals(ServerState.READY, read.state());
    }

    @Test
    @Order(55)
    void systemDataNamesWhoCreatedAndLastChangedTheServer() {
        SystemData data = manager.servers().getByResourceGroup(RG, NAME).systemData();
        assertEquals("test-user", data.createdBy(), "the API token's subject");
        assertEquals(ResourceAuthorIdentityType.USER, data.createdByType());
        assertEquals("test-user", data.lastModifiedBy());
        assertTrue(data.lastModifiedAt().isAfter(data.createdAt()), "the tags update came after the create");
    }

    @Test
    @Order(60)
    void stopStartAndRestartEndInTheStateTheyPromise() {
        manager.servers().stop(RG, NAME);
        assertEquals(ServerState.STOPPED, manager.servers().getByResourceGroup(RG, NAME).state());
        manager.servers().start(RG, NAME);
        assertEquals(ServerState.READY, manager.servers().getByResourceGroup(RG, NAME).state());
        manager.servers().restart(RG, NAME);
        assertEquals(ServerState.READY, manager.servers().getByResourceGroup(RG, NAME).state());
    }

    @Test
    @Order(70)
    void firewallRulesAreCreatedListedAndDeleted() {
        FirewallRule rule = manager.firewallRules().define("office").withExistingFlexibleServer(RG, NAME)
                .withStartIpAddress("10.20.0.0").withEndIpAddress("10.20.0.255").create();
        assertEquals("10.20.0.255", rule.endIpAddress());
        assertEquals("10.20.0.0", manager.firewallRules().get(RG, NAME, "office").startIpAddress());
        assertTrue(manager.firewallRules().listByServer(RG, NAME).stream().anyMatch(r -> r.name().equals("office")));
        manager.firewallRules().delete(RG, NAME, "office");
        assertFalse(manager.firewallRules().listByServer(RG, NAME).stream().anyMatch(r -> r.name().equals("office")));
    }

    @Test
    @Order(80)
    void aParameterSetWithPatchIsReadBack() {
        Configuration workMem = manager.configurations().get(RG, NAME, "work_mem");
        assertNotNull(workMem.documentationLink());
        Configuration set = workMem.update().withValue("8192").withSource("user-override").apply(); // PATCH
        assertEquals("8192", set.value());
        Configuration read = manager.configurations().get(RG, NAME, "work_mem");
        assertEquals("8192", read.value());
        assertEquals("user-override", read.source());
        assertTrue(read.documentationLink().contains("%2Fdocs%2F16%2F"), read.documentationLink());
        assertTrue(manager.configurations().listByServer(RG, NAME).stream().count() > 100, "every parameter is listed");
    }

    @Test
    @Order(90)
    void aDatabaseWithAzuresDefaultCollationSortsByItsRulesAndIsDropped() throws Exception {
        // Azure's defaults, on a host whose C library may know only the C locales (the engine's ICU then)
        Database db = manager.databases().define("orders").withExistingFlexibleServer(RG, NAME).withCharset("UTF8")
                .withCollation("en_US.utf8").create();
        assertEquals("orders", db.name());
        Database read = manager.databases().get(RG, NAME, "orders");
        assertEquals("UTF8", read.charset());
        assertEquals("en_US.utf8", read.collation());
        try (Connection c = Stack.connect(port(), "orders", "sdkadmin", PASSWORD); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT string_agg(x, '' ORDER BY x) FROM (VALUES ('B'), ('a')) v(x)")) {
            rs.next();
            assertEquals("aB", rs.getString(1), "en-US order (the C locale would put B first)");
        }
        try (Connection c = Stack.connect(port(), "sdkadmin", PASSWORD); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT datlocprovider FROM pg_database WHERE datname = 'orders'")) {
            rs.next();
            assertEquals("i", rs.getString(1), "ICU, so the database works on any host its primary moves to");
        }
        assertTrue(manager.databases().listByServer(RG, NAME).stream().anyMatch(d -> d.name().equals("orders")));
        manager.databases().delete(RG, NAME, "orders");
        assertFalse(manager.databases().listByServer(RG, NAME).stream().anyMatch(d -> d.name().equals("orders")));
    }

    @Test
    @Order(100)
    void aCollationTheServerDoesNotOfferIsA400NamingTheOfferedOnes() {
        ManagementException e = assertThrows(ManagementException.class, () -> manager.databases().define("nolocale")
                .withExistingFlexibleServer(RG, NAME).withCharset("UTF8").withCollation("xx_YY.utf8").create());
        assertEquals(400, e.getResponse().getStatusCode());
        assertEquals("InvalidCollation", e.getValue().getCode());
        assertTrue(e.getValue().getMessage().contains("en_US.utf8"), e.getValue().getMessage());
        assertFalse(manager.databases().listByServer(RG, NAME).stream().anyMatch(d -> d.name().equals("nolocale")));
    }

    /** A raw call through the gateway as the subscription's owner (what the SDK does not expose). */
    private static io.restassured.specification.RequestSpecification owner() {
        return Pki.as(null, Gateway.url()).header("Authorization", "Bearer " + Tokens.of(SUB, "Owner"));
    }

    private static int port() {
        return Stack.api(SUB).get("/subscriptions/" + SUB + "/resourceGroups/" + RG
                + "/providers/Microsoft.DBforPostgreSQL/flexibleServers/" + NAME).jsonPath().getInt("properties.port");
    }

    @Test
    @Order(110)
    void capabilitiesOfTheLocationNameSkusZonesAndVersions() {
        FlexibleServerCapability c = manager.locationBasedCapabilities().execute("local").stream().findFirst().orElseThrow();
        assertEquals(RestrictedEnum.DISABLED, c.restricted());
        assertTrue(c.supportedFeatures().stream().anyMatch(f -> f.name().equals("OfferRestricted")
                && f.status().toString().equals("Disabled")));
        var generalPurpose = c.supportedServerEditions().stream().filter(e -> e.name().equals("GeneralPurpose")).findFirst()
                .orElseThrow();
        var d2 = generalPurpose.supportedServerSkus().stream().filter(s -> s.name().equals("Standard_D2ds_v5")).findFirst()
                .orElseThrow();
        assertEquals(2, d2.vCores());
        assertFalse(d2.supportedZones().isEmpty());
        assertTrue(generalPurpose.supportedStorageEditions().get(0).supportedStorageMb().stream()
                .anyMatch(s -> s.storageSizeMb() == 32 * 1024 && "P4".equals(s.defaultIopsTier())));
        assertTrue(c.supportedServerVersions().stream().anyMatch(v -> v.name().equals("16")));
    }

    @Test
    @Order(120)
    void capabilitiesOfAServerOfferItsOwnMajorWithoutUpgrades() {
        FlexibleServerCapability c = manager.serverCapabilities().list(RG, NAME).stream().findFirst().orElseThrow();
        assertEquals(List.of("16"), c.supportedServerVersions().stream().map(v -> v.name()).toList());
        assertEquals(List.of(), c.supportedServerVersions().get(0).supportedVersionsToUpgrade());
    }

    @Test
    @Order(130)
    void anOlderApiVersionGetsCapabilitiesInItsOwnModel() {
        var answer = owner()
                .queryParam("api-version", "2022-12-01")
                .get("/subscriptions/" + SUB + "/providers/Microsoft.DBforPostgreSQL/locations/local/capabilities");
        assertEquals(200, answer.statusCode());
        // CapabilityProperties of 2021-06-01 … 2022-12-01: switches as booleans, editions with versions and vCores
        assertEquals(Boolean.TRUE, answer.jsonPath().get("value[0].zoneRedundantHaSupported"));
        assertEquals("none", answer.jsonPath().getString("value[0].zone"));
        assertTrue(answer.jsonPath().getList("value[0].supportedFlexibleServerEditions.find { it.name == 'GeneralPurpose' }"
                + ".supportedServerVersions[0].supportedVcores.name").contains("Standard_D2ds_v5"));
    }

    @Test
    @Order(45)
    void aListPageLinksToTheNextThroughTheGateway() {
        var page = owner()
                .queryParam("api-version", "2025-01-01-preview")
                .get("/subscriptions/" + SUB + "/providers/Microsoft.DBforPostgreSQL/flexibleServers");
        assertEquals(1, page.jsonPath().getList("value").size());
        String next = page.jsonPath().getString("nextLink");
        assertTrue(next.startsWith(Gateway.url() + "/subscriptions/" + SUB + "/"), next);
        var second = owner().urlEncodingEnabled(false).get(next);
        assertEquals(List.of(OTHER), second.jsonPath().getList("value.name"));
    }

    @Test
    @Order(135)
    void quotaUsagesCountTheSubscriptionsServersAgainstItsQuota() {
        var servers = manager.quotaUsages().list("local").stream().filter(u -> u.name().value().equals("servers"))
                .findFirst().orElseThrow();
        assertEquals(2, servers.currentValue());
        assertTrue(servers.limit() >= 2);
    }

    @Test
    @Order(137)
    void everyOperationGroupNotOfferedAnswersFeatureNotOffered() {
        Map<String, org.junit.jupiter.api.function.Executable> groups = new java.util.LinkedHashMap<>();
        groups.put("administrators", () -> manager.administrators().listByServer(RG, NAME).stream().count());
        groups.put("virtualEndpoints", () -> manager.virtualEndpoints().listByServer(RG, NAME).stream().count());
        groups.put("migrations", () -> manager.migrations().listByTargetServer(SUB, RG, NAME).stream().count());
        groups.put("tuningOptions", () -> manager.tuningOptions().listByServer(RG, NAME).stream().count());
        groups.put("serverThreatProtectionSettings", () -> manager.serverThreatProtectionSettings().listByServer(RG, NAME)
                .stream().count());
        groups.put("privateEndpointConnections", () -> manager.privateEndpointConnections().listByServer(RG, NAME)
                .stream().count());
        groups.put("privateLinkResources", () -> manager.privateLinkResources().listByServer(RG, NAME).stream().count());
        groups.put("ltrBackupOperations", () -> manager.ltrBackupOperations().listByServer(RG, NAME).stream().count());
        groups.put("getPrivateDnsZoneSuffixes", () -> manager.getPrivateDnsZoneSuffixes().execute());
        org.junit.jupiter.api.Assertions.assertAll(groups.entrySet().stream().map(g -> () -> {
            ManagementException e = assertThrows(ManagementException.class, g.getValue(), g.getKey());
            assertEquals(400, e.getResponse().getStatusCode(), g.getKey());
            assertEquals("FeatureNotOffered", e.getValue().getCode(), g.getKey());
            assertTrue(e.getValue().getMessage().startsWith("pgflex does not offer "), g.getKey());
        }));
    }

    @Test
    @Order(138)
    void theServersLogFilesAreListedAndDownloadedWithTheToken() {
        List<LogFile> files = manager.logFiles().listByServer(RG, NAME).stream().toList();
        LogFile current = files.get(0); // newest first: the file PostgreSQL writes today
        assertTrue(current.name().matches("postgresql-[A-Z][a-z]{2}\\.log"), current.name());
        assertEquals("LOG", current.typePropertiesType());
        assertTrue(current.sizeInKb() > 0);
        assertTrue(current.url().startsWith(Gateway.url() + "/subscriptions/" + SUB + "/"), current.url());
        String log = Pki.as(null, Gateway.url()).header("Authorization", "Bearer " + Tokens.of(SUB, "Reader"))
                .get(pathAndQuery(current.url())).then().statusCode(200).extract().asString();
        assertTrue(log.contains("connection authorized: user=sdkadmin"), "the log holds this suite's own connections");
    }

    @Test
    @Order(139)
    void aLogFileIsNotDownloadedWithoutAToken() {
        String url = manager.logFiles().listByServer(RG, NAME).stream().findFirst().orElseThrow().url();
        assertEquals(401, Pki.as(null, Gateway.url()).get(pathAndQuery(url)).statusCode());
    }

    private static String pathAndQuery(String url) {
        java.net.URI u = java.net.URI.create(url);
        return u.getRawPath() + "?" + u.getRawQuery();
    }

    @Test
    @Order(140)
    void anOnDemandBackupIsALongRunningCreateThatEndsCompleted() {
        ServerBackup backup = manager.backups().create(RG, NAME, "sdk-ondemand");
        assertEquals(Origin.CUSTOMER_ON_DEMAND, backup.backupType());
        assertNotNull(backup.completedTime(), "the SDK's wait ends when the backup has");
        assertTrue(manager.backups().listByServer(RG, NAME).stream().anyMatch(b -> b.name().equals("sdk-ondemand")
                && b.completedTime() != null));
    }

    @Test
    @Order(141)
    void aBackupAskedForWhileOneRunsIsQueuedAndTheSdkWaitsForIt() {
        String base = "/subscriptions/" + SUB + "/resourceGroups/" + RG + "/providers/Microsoft.DBforPostgreSQL/flexibleServers/"
                + NAME + "/backups/";
        owner().queryParam("api-version", "2025-08-01").put(base + "sdk-first").then().statusCode(202);
        var second = owner().queryParam("api-version", "2025-08-01").put(base + "sdk-second");
        assertEquals(202, second.statusCode(), second.asString());
        assertEquals("Queued", second.jsonPath().getString("properties.state"));
        assertTrue(second.header("Azure-AsyncOperation").startsWith(Gateway.url() + "/subscriptions/" + SUB),
                second.header("Azure-AsyncOperation"));
        ServerBackup done = manager.backups().create(RG, NAME, "sdk-second");
        assertNotNull(done.completedTime());
    }

    @Test
    @Order(142)
    void deletingAnOnDemandBackupIsALongRunningDeleteThatRemovesIt() {
        manager.backups().delete(RG, NAME, "sdk-first");
        ManagementException e = assertThrows(ManagementException.class, () -> manager.backups().get(RG, NAME, "sdk-first"));
        assertEquals(404, e.getResponse().getStatusCode());
    }

    @Test
    @Order(143)
    void anAutomaticBackupIsNotDeletable() {
        String automatic = manager.backups().listByServer(RG, NAME).stream().filter(b -> b.backupType() == Origin.FULL)
                .findFirst().orElseThrow().name();
        ManagementException e = assertThrows(ManagementException.class, () -> manager.backups().delete(RG, NAME, automatic));
        assertEquals(400, e.getResponse().getStatusCode());
        assertEquals("AutomaticBackupNotDeletable", e.getValue().getCode());
    }

    @Test
    @Order(150)
    void theProviderOperationsNeedAToken() {
        var answer = Pki.as(null, Gateway.url()).queryParam("api-version", "2025-01-01-preview")
                .get("/providers/Microsoft.DBforPostgreSQL/operations");
        assertEquals(401, answer.statusCode());
        assertEquals("AuthenticationFailed", answer.jsonPath().getString("error.code"));
    }

    @Test
    @Order(160)
    void theProviderListsItsOperations() {
        assertTrue(manager.operations().list().stream().map(o -> o.name()).collect(Collectors.toSet())
                .containsAll(List.of("Microsoft.DBforPostgreSQL/flexibleServers/read",
                        "Microsoft.DBforPostgreSQL/flexibleServers/write")));
    }

    @Test
    @Order(170)
    void aServerWithoutReadReplicasListsNone() {
        assertEquals(0, manager.replicas().listByServer(RG, NAME).stream().count());
    }

    @Test
    @Order(180)
    void badInputIsAnArmErrorTheSdkSurfacesAndLeavesNothing() {
        ManagementException e = assertThrows(ManagementException.class, () -> manager.servers().define("sdk-bad-storage")
                .withRegion("local").withExistingResourceGroup(RG)
                .withSku(new Sku().withName("Standard_D2ds_v5").withTier(SkuTier.GENERAL_PURPOSE))
                .withAdministratorLogin("sdkadmin").withAdministratorLoginPassword(PASSWORD)
                .withVersion(ServerVersion.ONE_SIX).withStorage(new Storage().withStorageSizeGB(33)).create());
        assertEquals(400, e.getResponse().getStatusCode());
        assertEquals("InvalidStorageSize", e.getValue().getCode());
        ManagementException gone = assertThrows(ManagementException.class,
                () -> manager.servers().getByResourceGroup(RG, "sdk-bad-storage"));
        assertEquals(404, gone.getResponse().getStatusCode());
    }

    @Test
    @Order(181)
    void privateAccessInAVirtualNetworkIsNotOfferedAndLeavesNothing() {
        ManagementException e = assertThrows(ManagementException.class, () -> manager.servers().define("sdk-vnet")
                .withRegion("local").withExistingResourceGroup(RG)
                .withSku(new Sku().withName("Standard_D2ds_v5").withTier(SkuTier.GENERAL_PURPOSE))
                .withAdministratorLogin("sdkadmin").withAdministratorLoginPassword(PASSWORD).withVersion(ServerVersion.ONE_SIX)
                .withNetwork(new Network().withDelegatedSubnetResourceId("/subscriptions/" + SUB + "/resourceGroups/" + RG
                        + "/providers/Microsoft.Network/virtualNetworks/vnet/subnets/db"))
                .create());
        assertEquals(400, e.getResponse().getStatusCode());
        assertEquals("FeatureNotOffered", e.getValue().getCode());
        assertEquals(404, assertThrows(ManagementException.class, () -> manager.servers().getByResourceGroup(RG, "sdk-vnet"))
                .getResponse().getStatusCode());
    }

    @Test
    @Order(190)
    void anUnknownApiVersionNamesTheSupportedOnes() {
        var answer = owner()
                .queryParam("api-version", "2019-01-01")
                .get("/subscriptions/" + SUB + "/providers/Microsoft.DBforPostgreSQL/flexibleServers");
        assertEquals(400, answer.statusCode());
        assertEquals("InvalidApiVersionParameter", answer.jsonPath().getString("error.code"));
        assertTrue(answer.jsonPath().getString("error.message").contains("2025-01-01-preview"));
    }

    @Test
    @Order(200)
    void deleteRemovesTheServers() {
        manager.servers().deleteByResourceGroup(RG, OTHER);
        manager.servers().deleteByResourceGroup(RG, NAME);
        ManagementException e = assertThrows(ManagementException.class, () -> manager.servers().getByResourceGroup(RG, NAME));
        assertEquals(404, e.getResponse().getStatusCode());
        assertEquals(0, manager.servers().list().stream().count());
    }
}
