package io.pgflex.provisioning.model;

import io.pgflex.contracts.events.CloudEvents;
import io.pgflex.contracts.events.Topics;
import io.pgflex.provisioning.Api;
import io.pgflex.testkit.JwtResource;
import io.pgflex.testkit.KafkaBroker;
import io.pgflex.testkit.KafkaResource;
import io.pgflex.testkit.NodeAgentResource;
import io.pgflex.testkit.PostgresResource;
import io.pgflex.testkit.TopicReader;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A server's whole life through the API, against a real node agent and real PostgreSQL. */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(JwtResource.class)
@QuarkusTestResource(NodeAgentResource.class)
class ServerLifecycleTest {
    static final String SUB = "sub-life";
    static final String BASE = Api.servers(SUB, "rg-life");
    static final String PASSWORD = "S3cret-pass!";

    static Connection connect(int port, String password, String sslmode) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "appadmin");
        p.setProperty("password", password);
        p.setProperty("sslmode", sslmode);
        p.setProperty("connectTimeout", "5");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", p);
    }

    static String single(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next());
            return rs.getString(1);
        }
    }

    void succeeds(Response accepted) {
        assertEquals("Succeeded", Api.awaitOperation(SUB, accepted), accepted.asString());
    }

    @Test
    void createConnectStopStartScaleAndDelete() throws Exception {
        String name = "life-one";
        try (TopicReader events = new TopicReader(KafkaBroker.shared().bootstrapServers(), Topics.SERVERS)) {
            Response created = Api.owner(SUB).body(Api.validBody()).when().put(BASE + "/" + name);
            created.then().statusCode(201).body("properties.state", equalTo("Provisioning"))
                    .body("properties.administratorLoginPassword", equalTo(null));
            succeeds(created);

            Response ready = Api.owner(SUB).when().get(BASE + "/" + name);
            ready.then().statusCode(200).body("properties.state", equalTo("Ready"))
                    .body("properties.fullyQualifiedDomainName", notNullValue())
                    .body("properties.minorVersion", org.hamcrest.Matchers.startsWith("15."));
            int port = ready.path("properties.port");
            assertTrue(ready.<String>path("properties.connectionString").contains("sslmode=verify-full"));

            // no firewall rule yet: nobody gets in; a rule for 127.0.0.1 admits TLS + SCRAM only
            assertThrows(SQLException.class, () -> connect(port, PASSWORD, "require").close());
            succeeds(Api.owner(SUB).body("{\"properties\":{\"startIpAddress\":\"127.0.0.1\",\"endIpAddress\":\"127.0.0.1\"}}")
                    .when().put(BASE + "/" + name + "/firewallRules/local"));
            try (Connection c = connect(port, PASSWORD, "require"); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE kept (v text)");
                s.execute("INSERT INTO kept VALUES ('before stop')");
            }
            assertThrows(SQLException.class, () -> connect(port, PASSWORD, "disable").close());
            assertThrows(SQLException.class, () -> connect(port, "Wrong-pass-1", "require").close());

            // stop: processes gone, state Stopped; start: data kept
            succeeds(Api.owner(SUB).when().post(BASE + "/" + name + "/stop"));
            Api.owner(SUB).when().get(BASE + "/" + name).then().body("properties.state", equalTo("Stopped"));
            assertThrows(SQLException.class, () -> connect(port, PASSWORD, "require").close());
            Api.owner(SUB).when().post(BASE + "/" + name + "/stop").then().statusCode(409)
                    .body("error.code", equalTo("ServerNotInExpectedState"));
            succeeds(Api.owner(SUB).when().post(BASE + "/" + name + "/start"));
            try (Connection c = connect(port, PASSWORD, "require")) {
                assertEquals("before stop", single(c, "SELECT v FROM kept"));
            }

            // scale: the new SKU's settings after a restart
            succeeds(Api.owner(SUB).body("{\"sku\":{\"name\":\"Standard_D4ds_v5\",\"tier\":\"GeneralPurpose\"}}")
                    .when().patch(BASE + "/" + name));
            try (Connection c = connect(port, PASSWORD, "require")) {
                assertEquals("4GB", single(c, "SHOW shared_buffers"));
                assertEquals("1718", single(c, "SHOW max_connections"));
                assertEquals("before stop", single(c, "SELECT v FROM kept"));
            }
            // storage grows, never shrinks
            succeeds(Api.owner(SUB).body("{\"properties\":{\"storage\":{\"storageSizeGB\":64}}}").when().patch(BASE + "/" + name));
            Api.owner(SUB).body("{\"properties\":{\"storage\":{\"storageSizeGB\":32}}}").when().patch(BASE + "/" + name)
                    .then().statusCode(400).body("error.code", equalTo("StorageSizeCannotShrink"));
            Api.owner(SUB).when().get(BASE + "/" + name).then().body("properties.storage.storageSizeGB", equalTo(64))
                    .body("sku.name", equalTo("Standard_D4ds_v5"));

            // parameters: a dynamic one by reload; protected ones refused
            succeeds(Api.owner(SUB).body("{\"properties\":{\"value\":\"250\",\"source\":\"user-override\"}}")
                    .when().put(BASE + "/" + name + "/configurations/log_min_duration_statement"));
            try (Connection c = connect(port, PASSWORD, "require")) {
                assertEquals("250ms", single(c, "SHOW log_min_duration_statement"));
            }
            Api.owner(SUB).body("{\"properties\":{\"value\":\"off\"}}").when().put(BASE + "/" + name + "/configurations/ssl")
                    .then().statusCode(400).body("error.code", equalTo("ParameterIsReadOnly"));
            Api.owner(SUB).body("{\"properties\":{\"value\":\"$(rm -rf /)\"}}")
                    .when().put(BASE + "/" + name + "/configurations/archive_command")
                    .then().statusCode(400).body("error.code", equalTo("ParameterIsReadOnly"));
            Api.owner(SUB).body("{\"properties\":{\"value\":\"evil_lib\"}}")
                    .when().put(BASE + "/" + name + "/configurations/shared_preload_libraries")
                    .then().statusCode(400).body("error.code", equalTo("InvalidParameterValue"));
            Api.owner(SUB).body("{\"properties\":{\"value\":\"sometimes\"}}").when().put(BASE + "/" + name + "/configurations/jit")
                    .then().statusCode(400).body("error.code", equalTo("InvalidParameterValue"));
            Api.owner(SUB).when().get(BASE + "/" + name + "/configurations/shared_buffers").then().statusCode(200)
                    .body("properties.isDynamicConfig", equalTo(false)).body("properties.isReadOnly", equalTo(false));
            Api.owner(SUB).when().get(BASE + "/" + name + "/configurations/nosuchparam").then().statusCode(404);

            // databases
            succeeds(Api.owner(SUB).body("{\"properties\":{\"charset\":\"UTF8\",\"collation\":\"C.UTF-8\"}}")
                    .when().put(BASE + "/" + name + "/databases/appdb"));
            Api.owner(SUB).when().get(BASE + "/" + name + "/databases").then().statusCode(200)
                    .body("value.name", hasItem("appdb"));
            Api.owner(SUB).when().delete(BASE + "/" + name + "/databases/postgres").then().statusCode(400)
                    .body("error.code", equalTo("CannotModifySystemDatabase"));

            succeeds(Api.owner(SUB).body("{}").when().post(BASE + "/" + name + "/restart"));

            // delete: gone from the API, its process and data gone from the agent
            String serverId = ServerEntity.<ServerEntity>find("name", name).firstResult().id.toString();
            succeeds(Api.owner(SUB).when().delete(BASE + "/" + name));
            Api.owner(SUB).when().get(BASE + "/" + name).then().statusCode(404);
            assertThrows(SQLException.class, () -> connect(port, PASSWORD, "require").close());
            assertTrue(!java.nio.file.Files.exists(NodeAgentResource.dataRoot().resolve("instances").resolve(serverId)),
                    "the instance's data is removed");
            Api.owner(SUB).when().delete(BASE + "/" + name).then().statusCode(204);

            events.await(r -> serverId.equals(r.key())
                    && "pgflex.ServerDeleted".equals(TopicReader.header(r, CloudEvents.HEADER_TYPE)), 1, Duration.ofSeconds(30));
            List<String> types = events.seen().stream().filter(r -> serverId.equals(r.key()))
                    .map(r -> TopicReader.header(r, CloudEvents.HEADER_TYPE)).toList();
            for (String expected : List.of("pgflex.ServerRequested", "pgflex.ServerProvisioned", "pgflex.ServerStopped",
                    "pgflex.ServerStarted", "pgflex.ServerUpdated", "pgflex.ServerRestarted", "pgflex.ServerDeleted")) {
                assertTrue(types.contains(expected), expected + " missing from " + types);
            }
        }
    }

    @Test
    void firewallRuleAddedWhileTheServerIsBeingCreatedIsApplied() throws Exception {
        String name = "life-early-rule";
        Response created = Api.owner(SUB).body(Api.validBody()).when().put(BASE + "/" + name);
        created.then().statusCode(201);
        // queued behind the create, accepted while the create places the server
        Response rule = Api.owner(SUB).body("{\"properties\":{\"startIpAddress\":\"127.0.0.1\",\"endIpAddress\":\"127.0.0.1\"}}")
                .when().put(BASE + "/" + name + "/firewallRules/local");
        rule.then().statusCode(201);
        succeeds(created);
        succeeds(rule);
        int port = Api.owner(SUB).when().get(BASE + "/" + name).then().extract().path("properties.port");
        try (Connection c = connect(port, PASSWORD, "require")) {
            assertTrue(c.isValid(2));
        }
        succeeds(Api.owner(SUB).when().delete(BASE + "/" + name));
    }

    @Test
    void secondServerWithTheSameNameIsAConflict() {
        String name = "life-dup";
        Response created = Api.owner(SUB).body(Api.validBody()).when().put(BASE + "/" + name);
        created.then().statusCode(201);
        Api.owner("sub-other").body(Api.validBody()).when().put(Api.servers("sub-other", "rg") + "/" + name)
                .then().statusCode(409).body("error.code", equalTo("ServerNameAlreadyExists"));
        succeeds(created);
        succeeds(Api.owner(SUB).when().delete(BASE + "/" + name));
    }

    @Test
    void refusesATokenForAnotherAudience() {
        io.restassured.RestAssured.given().header("Authorization", "Bearer "
                        + io.pgflex.testkit.Tokens.forAudience(SUB, "Owner", "some-other-api"))
                .queryParam("api-version", Api.VERSION).when().get(BASE).then().statusCode(401);
    }

    @Test
    void refusesATokenWithoutAudience() {
        io.restassured.RestAssured.given().header("Authorization", "Bearer " + io.pgflex.testkit.Tokens.forAudience(SUB, "Owner", null))
                .queryParam("api-version", Api.VERSION).when().get(BASE).then().statusCode(401);
    }

    @Test
    void refusesATokenThatLivesLongerThanADay() {
        // the same token for 23 hours is good: the limit is the lifetime, not the claims
        io.restassured.RestAssured.given().header("Authorization", "Bearer "
                        + io.pgflex.testkit.Tokens.lasting(SUB, "Owner", java.time.Duration.ofHours(23)))
                .queryParam("api-version", Api.VERSION).when().get(BASE).then().statusCode(200);
        io.restassured.RestAssured.given().header("Authorization", "Bearer "
                        + io.pgflex.testkit.Tokens.lasting(SUB, "Owner", java.time.Duration.ofDays(30)))
                .queryParam("api-version", Api.VERSION).when().get(BASE).then().statusCode(401);
    }

    @Test
    void acceptsATokenOfTheNextKeyDuringARotation() {
        io.restassured.RestAssured.given().header("Authorization", "Bearer " + io.pgflex.testkit.Tokens.withNextKey(SUB, "Owner"))
                .queryParam("api-version", Api.VERSION).when().get(BASE).then().statusCode(200);
    }

    @Test
    void refusesATokenWhoseKeyIdIsNotTrusted() {
        io.restassured.RestAssured.given().header("Authorization", "Bearer " + io.pgflex.testkit.Tokens.withUnknownKeyId(SUB, "Owner"))
                .queryParam("api-version", Api.VERSION).when().get(BASE).then().statusCode(401);
    }

    @Test
    void refusesATokenSignedByAnotherTrustedKeyThanItsKeyIdNames() {
        io.restassured.RestAssured.given().header("Authorization", "Bearer " + io.pgflex.testkit.Tokens.withMismatchedKeyId(SUB, "Owner"))
                .queryParam("api-version", Api.VERSION).when().get(BASE).then().statusCode(401);
    }

    @Test
    void tenantsNeverSeeEachOther() {
        String name = "life-tenant";
        Response created = Api.owner(SUB).body(Api.validBody()).when().put(BASE + "/" + name);
        created.then().statusCode(201);
        // another subscription's token: 404 on the server, and on listing the subscription
        Api.owner("sub-b").when().get(BASE + "/" + name).then().statusCode(404);
        Api.owner("sub-b").when().get(BASE).then().statusCode(404).body("error.code", equalTo("SubscriptionNotFound"));
        Api.owner("sub-b").when().delete(BASE + "/" + name).then().statusCode(404);
        // a Reader reads but cannot write
        Api.as(SUB, "Reader").when().get(BASE + "/" + name).then().statusCode(200);
        Api.as(SUB, "Reader").when().post(BASE + "/" + name + "/stop").then().statusCode(403)
                .body("error.code", equalTo("AuthorizationFailed"));
        // no token, or a forged one: 401
        io.restassured.RestAssured.given().queryParam("api-version", Api.VERSION).when().get(BASE + "/" + name)
                .then().statusCode(401).body("error.code", equalTo("AuthenticationFailed"));
        io.restassured.RestAssured.given().header("Authorization", "Bearer " + io.pgflex.testkit.Tokens.forged(SUB, "Owner"))
                .queryParam("api-version", Api.VERSION).when().get(BASE + "/" + name)
                .then().statusCode(401);
        succeeds(created);
        succeeds(Api.owner(SUB).when().delete(BASE + "/" + name));
    }
}
