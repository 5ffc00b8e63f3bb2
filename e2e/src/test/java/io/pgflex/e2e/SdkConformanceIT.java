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
import com.azure.resourcemanager.postgresqlflexibleserver.models.NameAvailability;
import com.azure.resourcemanager.postgresqlflexibleserver.models.PasswordAuthEnum;
import com.azure.resourcemanager.postgresqlflexibleserver.models.ReplicationRole;
import com.azure.resourcemanager.postgresqlflexibleserver.models.RestrictedEnum;
import com.azure.resourcemanager.postgresqlflexibleserver.models.Server;
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
    @Order(1)
    void aFreeNameIsAvailableInTheSubscriptionAndTheLocation() {
        CheckNameAvailabilityRequest ask = new CheckNameAvailabilityRequest().withName(NAME)
                .withType("Microsoft.DBforPostgreSQL/flexibleServers");
        assertTrue(manager.checkNameAvailabilities().execute(ask).nameAvailable());
        assertTrue(manager.checkNameAvailabilityWithLocations().execute("local", ask).nameAvailable());
    }

    @Test
    @Order(2)
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
        int port = Stack.api(SUB).get("/subscriptions/" + SUB + "/resourceGroups/" + RG
                + "/providers/Microsoft.DBforPostgreSQL/flexibleServers/" + NAME).jsonPath().getInt("properties.port");
        try (Connection c = Stack.connect(port, "sdkadmin", PASSWORD); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_setting('server_version_num')::int / 10000")) {
            rs.next();
            assertEquals(16, rs.getInt(1));
        }
    }

    @Test
    @Order(3)
    void aTakenNameIsReportedAsAlreadyExisting() {
        NameAvailability answer = manager.checkNameAvailabilityWithLocations().execute("local",
                new CheckNameAvailabilityRequest().withName(NAME).withType("Microsoft.DBforPostgreSQL/flexibleServers"));
        assertFalse(answer.nameAvailable());
        assertEquals(CheckNameAvailabilityReason.ALREADY_EXISTS, answer.reason());
    }

    @Test
    @Order(4)
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
    @Order(5)
    void updateChangesTagsAndKeepsTheRest() {
        Server updated = manager.servers().getByResourceGroup(RG, NAME).update().withTags(Map.of("owner", "sdk", "env", "ci"))
                .apply();
        assertEquals("ci", updated.tags().get("env"));
        Server read = manager.servers().getByResourceGroup(RG, NAME);
        assertEquals(Map.of("owner", "sdk", "env", "ci"), read.tags());
        assertEquals(ServerState.READY, read.state());
    }

    @Test
    @Order(6)
    void stopStartAndRestartEndInTheStateTheyPromise() {
        manager.servers().stop(RG, NAME);
        assertEquals(ServerState.STOPPED, manager.servers().getByResourceGroup(RG, NAME).state());
        manager.servers().start(RG, NAME);
        assertEquals(ServerState.READY, manager.servers().getByResourceGroup(RG, NAME).state());
        manager.servers().restart(RG, NAME);
        assertEquals(ServerState.READY, manager.servers().getByResourceGroup(RG, NAME).state());
    }

    @Test
    @Order(7)
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
    @Order(8)
    void aParameterSetWithPatchIsReadBack() {
        Configuration workMem = manager.configurations().get(RG, NAME, "work_mem");
        assertNotNull(workMem.documentationLink());
        Configuration set = workMem.update().withValue("8192").withSource("user-override").apply(); // PATCH
        assertEquals("8192", set.value());
        Configuration read = manager.configurations().get(RG, NAME, "work_mem");
        assertEquals("8192", read.value());
        assertEquals("user-override", read.source());
        assertFalse(read.isConfigPendingRestart());
        assertTrue(manager.configurations().listByServer(RG, NAME).stream().count() > 100, "every parameter is listed");
    }

    @Test
    @Order(9)
    void aDatabaseIsCreatedListedAndDropped() {
        Database db = manager.databases().define("orders").withExistingFlexibleServer(RG, NAME).withCharset("UTF8")
                .withCollation("C.utf8").create();
        assertEquals("orders", db.name());
        assertEquals("UTF8", manager.databases().get(RG, NAME, "orders").charset());
        assertTrue(manager.databases().listByServer(RG, NAME).stream().anyMatch(d -> d.name().equals("orders")));
        manager.databases().delete(RG, NAME, "orders");
        assertFalse(manager.databases().listByServer(RG, NAME).stream().anyMatch(d -> d.name().equals("orders")));
    }

    @Test
    @Order(10)
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
    @Order(11)
    void capabilitiesOfAServerOfferItsMajorAndNewerOnly() {
        FlexibleServerCapability c = manager.serverCapabilities().list(RG, NAME).stream().findFirst().orElseThrow();
        List<Integer> majors = c.supportedServerVersions().stream().map(v -> Integer.valueOf(v.name())).toList();
        assertTrue(majors.contains(16));
        assertTrue(majors.stream().allMatch(m -> m >= 16), "no downgrade offered: " + majors);
    }

    @Test
    @Order(12)
    void theProviderListsItsOperations() {
        assertTrue(manager.operations().list().stream().map(o -> o.name()).collect(Collectors.toSet())
                .containsAll(List.of("Microsoft.DBforPostgreSQL/flexibleServers/read",
                        "Microsoft.DBforPostgreSQL/flexibleServers/write")));
    }

    @Test
    @Order(13)
    void aServerWithoutReadReplicasListsNone() {
        assertEquals(0, manager.replicas().listByServer(RG, NAME).stream().count());
    }

    @Test
    @Order(14)
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
    @Order(15)
    void anUnknownApiVersionNamesTheSupportedOnes() {
        var answer = Pki.as(null, Gateway.url()).header("Authorization", "Bearer " + Tokens.of(SUB, "Owner"))
                .queryParam("api-version", "2019-01-01")
                .get("/subscriptions/" + SUB + "/providers/Microsoft.DBforPostgreSQL/flexibleServers");
        assertEquals(400, answer.statusCode());
        assertEquals("InvalidApiVersionParameter", answer.jsonPath().getString("error.code"));
        assertTrue(answer.jsonPath().getString("error.message").contains("2025-01-01-preview"));
    }

    @Test
    @Order(16)
    void deleteRemovesTheServers() {
        manager.servers().deleteByResourceGroup(RG, OTHER);
        manager.servers().deleteByResourceGroup(RG, NAME);
        ManagementException e = assertThrows(ManagementException.class, () -> manager.servers().getByResourceGroup(RG, NAME));
        assertEquals(404, e.getResponse().getStatusCode());
        assertEquals(0, manager.servers().list().stream().count());
    }
}
