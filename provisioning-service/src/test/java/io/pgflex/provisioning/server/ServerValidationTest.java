package io.pgflex.provisioning.server;

import io.pgflex.provisioning.Api;
import io.pgflex.provisioning.model.OperationEntity;
import io.pgflex.provisioning.model.ServerEntity;
import io.pgflex.support.outbox.OutboxEvent;
import io.pgflex.testkit.JwtResource;
import io.pgflex.testkit.KafkaResource;
import io.pgflex.testkit.NodeAgentResource;
import io.pgflex.testkit.PostgresResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every validation rule, with a bad input each: a 400 with the ARM code and target, and nothing created. */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(JwtResource.class)
@QuarkusTestResource(NodeAgentResource.class)
class ServerValidationTest {
    static final String SUB = "sub-validation";

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            name too short               | ab            | 15 | Standard_D2ds_v5  | GeneralPurpose  | appadmin   | S3cret-pass!   | 32    | 7  | InvalidServerName                | name
            name with uppercase          | BadName       | 15 | Standard_D2ds_v5  | GeneralPurpose  | appadmin   | S3cret-pass!   | 32    | 7  | InvalidServerName                | name
            name ends with hyphen        | bad-name-     | 15 | Standard_D2ds_v5  | GeneralPurpose  | appadmin   | S3cret-pass!   | 32    | 7  | InvalidServerName                | name
            name of 64 characters        | aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa | 15 | Standard_D2ds_v5 | GeneralPurpose | appadmin | S3cret-pass! | 32 | 7 | InvalidServerName | name
            reserved login admin         | v-admin       | 15 | Standard_D2ds_v5  | GeneralPurpose  | admin      | S3cret-pass!   | 32    | 7  | InvalidAdministratorLogin        | properties.administratorLogin
            reserved login azure_superuser | v-azsu      | 15 | Standard_D2ds_v5  | GeneralPurpose  | azure_superuser | S3cret-pass! | 32  | 7  | InvalidAdministratorLogin        | properties.administratorLogin
            login with pg_ prefix        | v-pgprefix    | 15 | Standard_D2ds_v5  | GeneralPurpose  | pg_owner   | S3cret-pass!   | 32    | 7  | InvalidAdministratorLogin        | properties.administratorLogin
            login of the platform's probe | v-probe     | 15 | Standard_D2ds_v5  | GeneralPurpose  | pgflex_probe | S3cret-pass! | 32    | 7  | InvalidAdministratorLogin        | properties.administratorLogin
            login with pgflex prefix     | v-pgflex      | 15 | Standard_D2ds_v5  | GeneralPurpose  | PGFLEX_x   | S3cret-pass!   | 32    | 7  | InvalidAdministratorLogin        | properties.administratorLogin
            login root                   | v-root        | 15 | Standard_D2ds_v5  | GeneralPurpose  | root       | S3cret-pass!   | 32    | 7  | InvalidAdministratorLogin        | properties.administratorLogin
            login with a dash            | v-dash        | 15 | Standard_D2ds_v5  | GeneralPurpose  | app-admin  | S3cret-pass!   | 32    | 7  | InvalidAdministratorLogin        | properties.administratorLogin
            password too short           | v-short       | 15 | Standard_D2ds_v5  | GeneralPurpose  | appadmin   | Ab1!           | 32    | 7  | PasswordNotComplex               | properties.administratorLoginPassword
            password of two classes      | v-classes     | 15 | Standard_D2ds_v5  | GeneralPurpose  | appadmin   | alllowercase1  | 32    | 7  | PasswordNotComplex               | properties.administratorLoginPassword
            password holds the login     | v-holds       | 15 | Standard_D2ds_v5  | GeneralPurpose  | appadmin   | xAppAdmin-9!   | 32    | 7  | PasswordNotComplex               | properties.administratorLoginPassword
            unknown SKU                  | v-sku         | 15 | Standard_Z9       | GeneralPurpose  | appadmin   | S3cret-pass!   | 32    | 7  | InvalidSku                       | sku.name
            SKU of another tier          | v-tier        | 15 | Standard_B1ms     | GeneralPurpose  | appadmin   | S3cret-pass!   | 32    | 7  | InvalidSku                       | sku.tier
            version not offered          | v-version     | 9  | Standard_D2ds_v5  | GeneralPurpose  | appadmin   | S3cret-pass!   | 32    | 7  | UnsupportedServerVersion         | properties.version
            storage size not offered     | v-storage     | 15 | Standard_D2ds_v5  | GeneralPurpose  | appadmin   | S3cret-pass!   | 100   | 7  | InvalidStorageSize               | properties.storage.storageSizeGB
            retention below 7 days       | v-ret6        | 15 | Standard_D2ds_v5  | GeneralPurpose  | appadmin   | S3cret-pass!   | 32    | 6  | InvalidBackupRetentionDays       | properties.backup.backupRetentionDays
            retention above 35 days      | v-ret36       | 15 | Standard_D2ds_v5  | GeneralPurpose  | appadmin   | S3cret-pass!   | 32    | 36 | InvalidBackupRetentionDays       | properties.backup.backupRetentionDays
            """)
    void rejectsAndCreatesNothing(String rule, String name, String version, String sku, String tier, String login,
                                  String password, int storage, int retention, String code, String target) {
        String body = """
                {"location": "local", "sku": {"name": "%s", "tier": "%s"},
                 "properties": {"version": "%s", "administratorLogin": "%s", "administratorLoginPassword": "%s",
                   "storage": {"storageSizeGB": %d}, "backup": {"backupRetentionDays": %d}}}"""
                .formatted(sku, tier, version, login, password, storage, retention);
        Api.owner(SUB).body(body).when().put(Api.servers(SUB, "rg") + "/" + name)
                .then().statusCode(400).body("error.code", equalTo(code)).body("error.target", equalTo(target));
        assertNothingCreated(name);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            missing api-version          | MissingApiVersionParameter
            unsupported api-version      | InvalidApiVersionParameter
            """)
    void rejectsApiVersions(String rule, String code) {
        var request = io.restassured.RestAssured.given().header("Authorization", "Bearer " + io.pgflex.testkit.Tokens.of(SUB, "Owner"))
                .contentType("application/json").body(Api.validBody());
        if (code.equals("InvalidApiVersionParameter")) {
            request = request.queryParam("api-version", "2017-12-01");
        }
        request.when().put(Api.servers(SUB, "rg") + "/v-apiversion").then().statusCode(400).body("error.code", equalTo(code));
        assertNothingCreated("v-apiversion");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            HA on Burstable       | {"location":"local","sku":{"name":"Standard_B1ms","tier":"Burstable"},"properties":{"version":"15","administratorLogin":"appadmin","administratorLoginPassword":"S3cret-pass!","highAvailability":{"mode":"ZoneRedundant"}}} | HighAvailabilityNotSupportedForBurstable
            unknown HA mode       | {"location":"local","sku":{"name":"Standard_D2ds_v5","tier":"GeneralPurpose"},"properties":{"version":"15","administratorLogin":"appadmin","administratorLoginPassword":"S3cret-pass!","highAvailability":{"mode":"Always"}}} | InvalidHighAvailabilityMode
            bad maintenance hour  | {"location":"local","sku":{"name":"Standard_D2ds_v5","tier":"GeneralPurpose"},"properties":{"version":"15","administratorLogin":"appadmin","administratorLoginPassword":"S3cret-pass!","maintenanceWindow":{"customWindow":"Enabled","dayOfWeek":1,"startHour":24,"startMinute":0}}} | InvalidMaintenanceWindow
            missing location      | {"sku":{"name":"Standard_D2ds_v5","tier":"GeneralPurpose"},"properties":{"version":"15","administratorLogin":"appadmin","administratorLoginPassword":"S3cret-pass!"}} | InvalidParameterValue
            missing password      | {"location":"local","sku":{"name":"Standard_D2ds_v5","tier":"GeneralPurpose"},"properties":{"version":"15","administratorLogin":"appadmin"}} | InvalidParameterValue
            unknown create mode   | {"location":"local","sku":{"name":"Standard_D2ds_v5","tier":"GeneralPurpose"},"properties":{"createMode":"GeoRestore","version":"15","administratorLogin":"appadmin","administratorLoginPassword":"S3cret-pass!"}} | UnsupportedCreateMode
            restore, no source    | {"location":"local","properties":{"createMode":"PointInTimeRestore","pointInTimeUTC":"2026-11-24T10:00:00Z"}} | MissingSourceServer
            restore, bad source   | {"location":"local","properties":{"createMode":"PointInTimeRestore","sourceServerResourceId":"v-src","pointInTimeUTC":"2026-11-24T10:00:00Z"}} | InvalidSourceServerResourceId
            restore, no time      | {"location":"local","properties":{"createMode":"PointInTimeRestore","sourceServerResourceId":"/subscriptions/sub-validation/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/flexibleServers/v-src"}} | MissingPointInTime
            restore, bad time     | {"location":"local","properties":{"createMode":"PointInTimeRestore","sourceServerResourceId":"/subscriptions/sub-validation/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/flexibleServers/v-src","pointInTimeUTC":"yesterday"}} | InvalidPointInTime
            not JSON              | {"location": | InvalidRequestContent
            private access        | {"location":"local","sku":{"name":"Standard_D2ds_v5","tier":"GeneralPurpose"},"properties":{"version":"15","administratorLogin":"appadmin","administratorLoginPassword":"S3cret-pass!","network":{"delegatedSubnetResourceId":"/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/s"}}} | FeatureNotOffered
            Entra authentication  | {"location":"local","sku":{"name":"Standard_D2ds_v5","tier":"GeneralPurpose"},"properties":{"version":"15","administratorLogin":"appadmin","administratorLoginPassword":"S3cret-pass!","authConfig":{"activeDirectoryAuth":"Enabled"}}} | FeatureNotOffered
            customer-managed key  | {"location":"local","sku":{"name":"Standard_D2ds_v5","tier":"GeneralPurpose"},"properties":{"version":"15","administratorLogin":"appadmin","administratorLoginPassword":"S3cret-pass!","dataEncryption":{"type":"AzureKeyVault"}}} | FeatureNotOffered
            bad public access     | {"location":"local","sku":{"name":"Standard_D2ds_v5","tier":"GeneralPurpose"},"properties":{"version":"15","administratorLogin":"appadmin","administratorLoginPassword":"S3cret-pass!","network":{"publicNetworkAccess":"Sometimes"}}} | InvalidParameterValue
            """)
    void rejectsBadBodies(String rule, String body, String code) {
        Api.owner(SUB).body(body).when().put(Api.servers(SUB, "rg") + "/v-body")
                .then().statusCode(400).body("error.code", equalTo(code));
        assertNothingCreated("v-body");
    }

    @Test
    void zoneRedundantNeedsAnAgentInAnotherZone() {
        // this test's control plane knows one agent (zone 1): nowhere to put a zone-redundant standby
        Api.owner(SUB).body("""
                {"location":"local","sku":{"name":"Standard_D2ds_v5","tier":"GeneralPurpose"},"properties":{"version":"15",
                 "administratorLogin":"appadmin","administratorLoginPassword":"S3cret-pass!",
                 "highAvailability":{"mode":"ZoneRedundant"}}}""").when().put(Api.servers(SUB, "rg") + "/v-zr")
                .then().statusCode(409).body("error.code", equalTo("ZoneRedundantHaNotAvailable"))
                .body("error.message", containsString("another availability zone"));
        assertNothingCreated("v-zr");
    }

    @Test
    void pointInTimeRestoreIsCheckedAgainstTheSourcesBackups() {
        String source = "/subscriptions/" + SUB + "/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/flexibleServers/v-pitr-src";
        String restore = """
                {"location":"local","properties":{"createMode":"PointInTimeRestore","sourceServerResourceId":"%s",
                 "pointInTimeUTC":"%s"}}""";
        Api.owner(SUB).body(restore.formatted(source, "2026-11-24T10:00:00Z")).when().put(Api.servers(SUB, "rg") + "/v-pitr")
                .then().statusCode(404).body("error.message", containsString("v-pitr-src"));
        Api.owner(SUB).body(Api.validBody()).when().put(Api.servers(SUB, "rg") + "/v-pitr-src").then().statusCode(201);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(90)).until(() -> Api.owner(SUB).when()
                .get(Api.servers(SUB, "rg") + "/v-pitr-src").then().extract().path("properties.state"), "Ready"::equals);
        java.time.Instant now = java.time.Instant.now();
        Api.owner(SUB).body(restore.formatted(source, now.minusSeconds(60))).when().put(Api.servers(SUB, "rg") + "/v-pitr")
                .then().statusCode(400).body("error.code", equalTo("NoBackupAvailable"));
        // as backup-service's BackupCompleted would have it: the first backup ended a minute ago
        java.time.Instant firstBackup = now.minusSeconds(60).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        QuarkusTransaction.requiringNew().run(() -> ServerEntity.<ServerEntity>find("name", "v-pitr-src").firstResult()
                .restorableFrom = firstBackup);
        Api.owner(SUB).when().get(Api.servers(SUB, "rg") + "/v-pitr-src").then()
                .body("properties.backup.earliestRestoreDate", equalTo(firstBackup.toString()));
        Api.owner(SUB).body(restore.formatted(source, now.minusSeconds(120))).when().put(Api.servers(SUB, "rg") + "/v-pitr")
                .then().statusCode(400).body("error.code", equalTo("PointInTimeBeforeEarliestRestoreDate"))
                .body("error.message", containsString(firstBackup.toString()));
        Api.owner(SUB).body(restore.formatted(source, now.plusSeconds(3600))).when().put(Api.servers(SUB, "rg") + "/v-pitr")
                .then().statusCode(400).body("error.code", equalTo("PointInTimeInFuture"));
        assertNothingCreated("v-pitr");
        Api.owner(SUB).when().delete(Api.servers(SUB, "rg") + "/v-pitr-src").then().statusCode(202);
    }

    @Test
    void aRestoreNamingAnotherSubscriptionsServerAnswersExactlyAsAMissingServer() {
        String other = "sub-validation-other";
        String restore = """
                {"location":"local","properties":{"createMode":"PointInTimeRestore","sourceServerResourceId":"%s",
                 "pointInTimeUTC":"%s"}}""";
        Api.owner(other).body(Api.validBody()).when().put(Api.servers(other, "rg") + "/v-xsub-src").then().statusCode(201);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(90)).until(() -> Api.owner(other).when()
                .get(Api.servers(other, "rg") + "/v-xsub-src").then().extract().path("properties.state"), "Ready"::equals);
        String at = java.time.Instant.now().minusSeconds(30).toString();
        var foreign = Api.owner(SUB).body(restore.formatted("/subscriptions/" + other
                        + "/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/flexibleServers/v-xsub-src", at))
                .when().put(Api.servers(SUB, "rg") + "/v-xsub").then().statusCode(404).extract();
        var missing = Api.owner(SUB).body(restore.formatted("/subscriptions/" + SUB
                        + "/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/flexibleServers/v-xsub-src", at))
                .when().put(Api.servers(SUB, "rg") + "/v-xsub").then().statusCode(404).extract();
        assertEquals(missing.body().asString(), foreign.body().asString(), "nothing tells the other subscription's server apart");
        assertNothingCreated("v-xsub");
        Api.owner(other).when().delete(Api.servers(other, "rg") + "/v-xsub-src").then().statusCode(202);
    }

    static void assertNothingCreated(String name) {
        assertNothingCreatedIn(SUB, name);
    }

    static void assertNothingCreatedIn(String subscription, String name) {
        Api.owner(subscription).when().get(Api.servers(subscription, "rg") + "/" + name).then().statusCode(404);
        QuarkusTransaction.requiringNew().run(() -> {
            assertEquals(0, ServerEntity.count("name", name), "no server row");
            assertEquals(0, OperationEntity.count("serverName", name), "no operation");
            assertEquals(0, OutboxEvent.count("payload like ?1", "%\"name\":\"" + name + "\"%"), "no event");
        });
    }
}
