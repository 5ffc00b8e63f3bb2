package io.pgflex.e2e;

import static org.awaitility.Awaitility.await;

import io.pgflex.testkit.KafkaBroker;
import io.pgflex.testkit.NodeAgentResource;
import io.pgflex.testkit.PostgresCluster;
import io.pgflex.testkit.ServiceProcess;
import io.pgflex.testkit.Tokens;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * pgflex as deployed, for end-to-end tests: a real broker and control-plane PostgreSQL, a node agent
 * with engines of several majors, and provisioning-service, ha-service and backup-service as processes from their
 * packaged jars. Started once per test JVM.
 */
final class Stack {
    static final String VERSION = "2025-08-01";
    private static ServiceProcess provisioning;
    private static ServiceProcess ha;
    private static int provisioningPort;
    private static Map<String, String> provisioningEnv;
    private static int haPort;
    private static Map<String, String> haEnv;
    private static ServiceProcess backup;
    private static ServiceProcess monitoring;

    private Stack() {
    }

    static synchronized void start() {
        if (provisioning != null) {
            return;
        }
        NodeAgentResource.shared();
        NodeAgentResource.second();
        PostgresCluster postgres = PostgresCluster.shared();
        provisioningPort = freePort();
        provisioningEnv = env(postgres.createDatabase("provisioning"));
        provisioningEnv.put("QUARKUS_CONFIG_LOCATIONS", configFile(NodeAgentResource.provisioningConfig()).toString());
        // lists page after one server: the SDK suite's lists follow nextLink
        provisioningEnv.put("PGFLEX_API_PAGE_SIZE", "1");
        provisioning = ServiceProcess.start("provisioning-service", provisioningPort, provisioningEnv);
        haPort = freePort();
        haEnv = env(postgres.createDatabase("ha"));
        haEnv.put("QUARKUS_CONFIG_LOCATIONS", configFile(NodeAgentResource.haConfig()).toString());
        // several failovers of one server within a test class (the fault sequence keeps the default: its
        // second host loss within 5 minutes is a repeated fault, and must be failed over all the same)
        if (!io.pgflex.testkit.NetHosts.enabled()) {
            haEnv.put("PGFLEX_HA_QUIET_PERIOD", "5s");
        }
        ha = ServiceProcess.start("ha-service", haPort, haEnv);
        Map<String, String> backupEnv = env(postgres.createDatabase("backup"));
        backupEnv.put("QUARKUS_CONFIG_LOCATIONS", configFile(NodeAgentResource.backupConfig()).toString());
        // the scheduler looks every second; drills only when asked
        backupEnv.put("PGFLEX_BACKUP_SERVICE_SCHEDULER_INTERVAL", "1s");
        backupEnv.put("PGFLEX_BACKUP_SERVICE_DRILL_INTERVAL", "0s");
        backup = ServiceProcess.start("backup-service", freePort(), backupEnv);
    }

    static ServiceProcess backup() {
        start();
        return backup;
    }

    /** backup-service's part of the API (what the gateway routes to it), as {@code subscription}'s owner. */
    static RequestSpecification backupApi(String subscription) {
        return io.pgflex.testkit.Pki.as("gateway", "https://127.0.0.1").port(backup().port())
                .header("Authorization", "Bearer " + Tokens.of(subscription, "Owner"))
                .contentType(ContentType.JSON).queryParam("api-version", VERSION);
    }

    /**
     * monitoring-service, started by the first test that needs it (its storage protection acts on
     * every server from then on): alert rules may have windows from 2 s, evaluated every second.
     */
    static synchronized java.util.Optional<Integer> monitoringPortIfStarted() {
        return java.util.Optional.ofNullable(monitoring).map(ServiceProcess::port);
    }

    static synchronized ServiceProcess monitoring() {
        start();
        if (monitoring == null) {
            Map<String, String> env = env(PostgresCluster.shared().createDatabase("monitoring"));
            env.put("PGFLEX_MONITORING_ALERT_INTERVAL", "1s");
            env.put("PGFLEX_MONITORING_ALERT_MIN_WINDOW", "2s");
            env.put("PGFLEX_MONITORING_WEBHOOK_INTERVAL", "1s");
            env.put("PGFLEX_MONITORING_WEBHOOK_ALLOW_PRIVATE_ADDRESSES", "true");
            env.put("PGFLEX_MONITORING_STORAGE_REPEAT_INTERVAL", "5s");
            env.put("PGFLEX_MONITORING_ROLLUP_INTERVAL", "5s");
            monitoring = ServiceProcess.start("monitoring-service", freePort(), env);
        }
        return monitoring;
    }

    /** monitoring-service's part of the API (metrics, alert rules, slow queries), as {@code subscription}'s owner. */
    static RequestSpecification monitoringApi(String subscription) {
        return io.pgflex.testkit.Pki.as("gateway", "https://127.0.0.1").port(monitoring().port())
                .header("Authorization", "Bearer " + Tokens.of(subscription, "Owner"))
                .contentType(ContentType.JSON).queryParam("api-version", VERSION);
    }

    private static ServiceProcess maintenance;
    private static Map<String, String> maintenanceEnv;

    /**
     * maintenance-service, started by the first test that needs it: no notice period and no week's delay for custom
     * windows (a test cannot wait days), in UTC, looking every second.
     */
    static synchronized ServiceProcess maintenance() {
        start();
        if (maintenance == null) {
            Map<String, String> env = maintenanceEnv != null ? maintenanceEnv : env(PostgresCluster.shared().createDatabase("maintenance"));
            env.put("QUARKUS_CONFIG_LOCATIONS", configFile(NodeAgentResource.maintenanceConfig()).toString());
            env.put("PGFLEX_MAINTENANCE_NOTICE", "0s");
            env.put("PGFLEX_MAINTENANCE_CUSTOM_DELAY", "0s");
            env.put("PGFLEX_MAINTENANCE_RESCHEDULE_LEAD", "1m");
            env.put("PGFLEX_MAINTENANCE_ZONE", "UTC");
            env.put("PGFLEX_MAINTENANCE_INTERVAL", "1s");
            maintenanceEnv = env;
            maintenance = ServiceProcess.start("maintenance-service", freePort(), env);
        }
        return maintenance;
    }

    /** Kills maintenance-service (SIGKILL) and starts it again with the same database, its settings and {@code extra}. */
    static synchronized void crashAndRestartMaintenance(Map<String, String> extra) {
        ServiceProcess old = maintenance();
        old.kill();
        Map<String, String> env = new java.util.HashMap<>(maintenanceEnv);
        env.putAll(extra);
        maintenance = ServiceProcess.start("maintenance-service", old.port(), env);
    }

    /** Stops maintenance-service (a later {@link #maintenance()} starts it again on the same database). */
    static synchronized void stopMaintenance() {
        if (maintenance != null) {
            maintenance.kill();
            maintenance = null;
        }
    }

    /** maintenance-service's part of the API (a server's maintenances), as {@code subscription}'s owner. */
    static RequestSpecification maintenanceApi(String subscription) {
        return io.pgflex.testkit.Pki.as("gateway", "https://127.0.0.1").port(maintenance().port())
                .header("Authorization", "Bearer " + Tokens.of(subscription, "Owner"))
                .contentType(ContentType.JSON).queryParam("api-version", VERSION);
    }

    /** The engine catalogue, as a platform operator. */
    static RequestSpecification operatorApi() {
        return io.pgflex.testkit.Pki.as("gateway", "https://127.0.0.1").port(maintenance().port())
                .header("Authorization", "Bearer " + Tokens.operator())
                .contentType(ContentType.JSON).queryParam("api-version", VERSION);
    }

    static ServiceProcess provisioning() {
        start();
        return provisioning;
    }

    /** Whether {@link #start()} has brought the stack up (tests' clean-up does nothing otherwise). */
    static synchronized boolean started() {
        return ha != null && provisioning != null;
    }

    static ServiceProcess ha() {
        start();
        return ha;
    }

    /** Kills ha-service (SIGKILL). */
    static void killHa() {
        ha.kill();
    }

    /** Starts ha-service again (after {@link #killHa()}) with the same database. */
    static void restartHa() {
        ha = ServiceProcess.start("ha-service", haPort, haEnv);
    }

    /** Starts ha-service again with settings of its own (e.g. fault injection) on top of the usual. */
    static void restartHa(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(haEnv);
        env.putAll(extra);
        ha = ServiceProcess.start("ha-service", haPort, env);
    }

    /** Kills provisioning-service (SIGKILL) and starts it again with the same database. */
    static void crashAndRestartProvisioning() {
        provisioning.kill();
        provisioning = ServiceProcess.start("provisioning-service", provisioningPort, provisioningEnv);
    }

    private static Map<String, String> env(String database) {
        PostgresCluster postgres = PostgresCluster.shared();
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", KafkaBroker.shared().bootstrapServers());
        env.put("QUARKUS_DATASOURCE_JDBC_URL", postgres.jdbcUrl(database));
        env.put("QUARKUS_DATASOURCE_USERNAME", postgres.username());
        env.put("QUARKUS_DATASOURCE_PASSWORD", "");
        env.put("MP_JWT_VERIFY_PUBLICKEY", Tokens.jwks());
        return env;
    }

    /** Both agents (zone 1 with the router, zone 2) and the endpoint settings, as a service's configuration file. */
    private static Path configFile(Map<String, String> config) {
        try {
            Path file = Files.createTempFile("pgflex-e2e-agents-", ".properties");
            file.toFile().deleteOnExit();
            StringBuilder props = new StringBuilder();
            config.forEach((k, v) -> props.append(k).append('=').append(v).append('\n'));
            Files.writeString(file, props.toString());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static RequestSpecification api(String subscription) {
        return io.pgflex.testkit.Pki.as("gateway", "https://127.0.0.1").port(provisioning().port())
                .header("Authorization", "Bearer " + Tokens.of(subscription, "Owner"))
                .contentType(ContentType.JSON).queryParam("api-version", VERSION);
    }

    /** ha-service's part of the API (what the gateway routes to it), as {@code subscription}'s owner. */
    static RequestSpecification haApi(String subscription) {
        return io.pgflex.testkit.Pki.as("gateway", "https://127.0.0.1").port(ha().port())
                .header("Authorization", "Bearer " + Tokens.of(subscription, "Owner"))
                .contentType(ContentType.JSON).queryParam("api-version", VERSION);
    }

    static String servers(String subscription, String group) {
        return "/subscriptions/" + subscription + "/resourceGroups/" + group + "/providers/Microsoft.DBforPostgreSQL/flexibleServers";
    }

    static String serverBody(String version, String login, String password) {
        return """
                {"location": "local", "sku": {"name": "Standard_B2s", "tier": "Burstable"},
                 "properties": {"version": "%s", "administratorLogin": "%s", "administratorLoginPassword": "%s"}}"""
                .formatted(version, login, password);
    }

    /** Polls the operation of an accepted request until it ends; returns its status. */
    static String awaitOperation(String subscription, Response accepted) {
        String url = accepted.header("Azure-AsyncOperation");
        if (url == null) {
            throw new AssertionError("no operation: " + accepted.statusCode() + " " + accepted.asString());
        }
        String[] status = new String[1];
        await("operation " + url).atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> {
                    status[0] = io.pgflex.testkit.Pki.as("gateway", "https://127.0.0.1").port(provisioning().port())
                            .header("Authorization", "Bearer " + Tokens.of(subscription, "Reader"))
                            .get(URI.create(url).getPath() + "?" + URI.create(url).getQuery()).then().statusCode(200)
                            .extract().path("status");
                    return !"InProgress".equals(status[0]);
                });
        return status[0];
    }

    /** A Burstable server in {@code zone} ("1": agent-1, "2": agent-2). */
    static String serverBody(String version, String login, String password, String zone) {
        return serverBody(version, login, password).replace("\"properties\": {", "\"properties\": {\"availabilityZone\": \"" + zone + "\", ");
    }

    /** Creates a server, admits 127.0.0.1, and returns its endpoint port once it is Ready. */
    static int readyServer(String subscription, String name, String version, String login, String password) {
        return readyServer(subscription, name, serverBody(version, login, password));
    }

    /** Creates a server from {@code body}, admits 127.0.0.1, and returns its endpoint port once it is Ready. */
    static int readyServer(String subscription, String name, String body) {
        String base = servers(subscription, "rg-e2e") + "/" + name;
        expectSucceeded(subscription, api(subscription).body(body).put(base));
        expectSucceeded(subscription, api(subscription)
                .body("{\"properties\":{\"startIpAddress\":\"127.0.0.1\",\"endIpAddress\":\"127.0.0.1\"}}")
                .put(base + "/firewallRules/local"));
        return api(subscription).get(base).then().statusCode(200).extract().path("properties.port");
    }

    static void expectSucceeded(String subscription, Response accepted) {
        String status = awaitOperation(subscription, accepted);
        if (!"Succeeded".equals(status)) {
            throw new AssertionError("operation ended " + status + ": " + accepted.asString());
        }
    }

    static Connection connect(int port, String user, String password) throws SQLException {
        return connect(port, "postgres", user, password);
    }

    static Connection connect(int port, String database, String user, String password) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        p.setProperty("sslmode", "require");
        p.setProperty("connectTimeout", "5");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, p);
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
