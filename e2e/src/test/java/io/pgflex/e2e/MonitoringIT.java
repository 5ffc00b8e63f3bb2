package io.pgflex.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.pgflex.contracts.events.CloudEvents;
import io.pgflex.contracts.events.Topics;
import io.pgflex.testkit.KafkaBroker;
import io.pgflex.testkit.TopicReader;
import io.restassured.path.json.JsonPath;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Monitoring as users get it from a real server under load: the metrics API shows transactions per second, open
 * connections and connection outcomes; an alert rule on the connections fires once under load and resolves after,
 * as events and as webhook calls; slow queries and the costliest statements are listed; Prometheus gets the
 * server's series; a stopped server is is_db_alive 0. One behaviour per test; the server, its rule and one load
 * run are made once for the class, and the test that stops the server runs last. Storage filling up:
 * {@link StorageFullIT}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MonitoringIT {
    static final String SUB = "sub-e2e-monitoring";
    static final String PASSWORD = "M0nitor-pass!";
    static final int CLIENTS = 10;
    private static final String SERVER = "mon-load";
    private static final List<String> webhookCalls = new CopyOnWriteArrayList<>();
    private static HttpServer hook;
    private static TopicReader alerts;
    private static int port;
    private static Instant loadStart;
    private static Instant loadEnd;
    private static int committed;

    static String base(String name) {
        return Stack.servers(SUB, "rg-e2e") + "/" + name;
    }

    static JsonPath metrics(String server, String names, Instant from, Instant to, String aggregation) {
        return Stack.monitoringApi(SUB).queryParam("metricnames", names).queryParam("timespan", from + "/" + to)
                .queryParam("interval", "PT1M").queryParam("aggregation", aggregation)
                .get(base(server) + "/providers/Microsoft.Insights/metrics").then().statusCode(200).extract().jsonPath();
    }

    /** The largest value of {@code aggregation} over the grains of one metric (null: no grain had data). */
    static Double largest(JsonPath answer, String metric, String aggregation) {
        List<Float> values = answer.getList("value.find { it.name.value == '" + metric + "' }.timeseries[0].data."
                + aggregation + ".findAll { it != null }");
        return values.isEmpty() ? null : values.stream().mapToDouble(Float::doubleValue).max().getAsDouble();
    }

    static double total(JsonPath answer, String metric) {
        List<Float> values = answer.getList("value.find { it.name.value == '" + metric + "' }.timeseries[0].data.total");
        return values.stream().mapToDouble(Float::doubleValue).sum();
    }

    /**
     * Given a server with a 200 ms slow-query threshold and an alert rule "many-connections" (more than
     * {@code CLIENTS - 2} active connections, a webhook to this test), {@code CLIENTS} clients committing
     * transactions until the rule has fired (at most 60 s), one slow query and one login with a wrong password
     * during the load.
     */
    @BeforeAll
    static void serverUnderLoadWithAnAlertRule() throws Exception {
        Stack.monitoring();
        hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hook.createContext("/alerts", exchange -> {
            webhookCalls.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        hook.start();
        alerts = new TopicReader(KafkaBroker.shared().bootstrapServers(), Topics.ALERTS);
        port = Stack.readyServer(SUB, SERVER, Stack.serverBody("16", "appadmin", PASSWORD));
        Stack.expectSucceeded(SUB, Stack.api(SUB).body("{\"properties\":{\"value\":\"200\",\"source\":\"user-override\"}}")
                .put(base(SERVER) + "/configurations/log_min_duration_statement"));
        Stack.monitoringApi(SUB).body("""
                {"properties": {"severity": 2, "windowSize": "PT4S", "evaluationFrequency": "PT2S",
                 "criteria": {"metricName": "active_connections", "operator": "GreaterThan", "threshold": %d,
                              "timeAggregation": "Maximum"},
                 "actions": {"webhookUrl": "http://127.0.0.1:%d/alerts"}}}""".formatted(CLIENTS - 2, hook.getAddress().getPort()))
                .put(base(SERVER) + "/alertRules/many-connections").then().statusCode(201)
                .body("properties.criteria.metricName", org.hamcrest.Matchers.equalTo("active_connections"));
        try (Connection c = Stack.connect(port, "appadmin", PASSWORD); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE load (id bigserial PRIMARY KEY, at timestamptz DEFAULT now())");
        }
        loadStart = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        List<Future<Integer>> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            clients.add(pool.submit(() -> transactions(port, stop)));
        }
        try {
            try (Connection c = Stack.connect(port, "appadmin", PASSWORD); Statement s = c.createStatement()) {
                s.execute("SELECT pg_sleep(0.4), 'pgflex-slow-marker'");
            }
            try (Connection c = Stack.connect(port, "appadmin", "not-the-password")) {
                throw new AssertionError("a wrong password was let in");
            } catch (SQLException e) {
                assertTrue(e.getMessage().contains("password authentication failed"), e.getMessage());
            }
            try {
                alerts.await(r -> isAlert(r, "pgflex.AlertFired", "many-connections"), 1, Duration.ofSeconds(60));
            } catch (AssertionError | ConditionTimeoutException e) {
                // the load ends either way; the first test says the rule did not fire
            }
        } finally {
            stop.set(true);
            pool.shutdown();
            for (Future<Integer> f : clients) {
                try {
                    committed += f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    System.out.println("a load client stopped early: " + e.getCause());
                }
            }
        }
        loadEnd = Instant.now().plus(1, ChronoUnit.MINUTES);
    }

    @AfterAll
    static void stopWebhookAndReader() {
        if (hook != null) {
            hook.stop(0);
        }
        if (alerts != null) {
            alerts.close();
        }
    }

    @Test
    @Order(1)
    void theAlertRuleFiresWhileTheLoadRuns() throws Exception {
        // then (the load in the given ran until it fired)
        assertTrue(alerts.seen().stream().anyMatch(r -> isAlert(r, "pgflex.AlertFired", "many-connections")),
                "no AlertFired for many-connections within 60 s of load (" + committed + " transactions committed)");
    }

    @Test
    @Order(2)
    void theAlertResolvesOnceTheClientsAreGone() throws Exception {
        alerts.await(r -> isAlert(r, "pgflex.AlertResolved", "many-connections"), 1, Duration.ofSeconds(60));
    }

    @Test
    @Order(3)
    void theAlertFiredExactlyOnceForTheWholeLoad() throws Exception {
        // given it resolved (test 2), then exactly one AlertFired was published
        assertEquals(1, alerts.seen().stream().filter(r -> isAlert(r, "pgflex.AlertFired", "many-connections")).count());
    }

    @Test
    @Order(4)
    void theWebhookIsCalledWithFiredThenResolved() throws Exception {
        await("webhook calls").atMost(Duration.ofSeconds(30)).until(() -> webhookCalls.size() >= 2);
        assertTrue(webhookCalls.get(0).contains("\"monitorCondition\":\"Fired\""), webhookCalls.get(0));
        assertTrue(webhookCalls.get(1).contains("\"monitorCondition\":\"Resolved\""), webhookCalls.get(1));
    }

    @Test
    @Order(5)
    void theRuleShowsItsStateAsResolved() throws Exception {
        Stack.monitoringApi(SUB).get(base(SERVER) + "/alertRules/many-connections").then().statusCode(200)
                .body("properties.status.state", org.hamcrest.Matchers.equalTo("Resolved"));
    }

    @Test
    @Order(6)
    void theMetricsShowTransactionsPerSecondAndEveryOpenConnection() throws Exception {
        await("load in the metrics: tps above 0 and every client's connection").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> metrics(SERVER, "tps,active_connections", loadStart.minusSeconds(60), loadEnd, "Maximum"),
                        m -> largest(m, "tps", "maximum") != null && largest(m, "tps", "maximum") > 0
                                && largest(m, "active_connections", "maximum") != null
                                && largest(m, "active_connections", "maximum") >= CLIENTS);
    }

    @Test
    @Order(7)
    void theMetricsCountTheCommittedTransactions() throws Exception {
        assertTrue(committed > 0, "the clients committed transactions");
        JsonPath commits = await("commits in the metrics").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> metrics(SERVER, "xact_commit", loadStart.minusSeconds(60), loadEnd, "Total"),
                        m -> largest(m, "xact_commit", "total") != null);
        assertTrue(largest(commits, "xact_commit", "total") >= committed * 0.5, committed + " committed; " + commits.prettify());
    }

    @Test
    @Order(8)
    void connectionOutcomesCountTheTenantsLoginsButNotThePlatforms() throws Exception {
        // the clients' and the slow query's logins succeeded, the wrong password failed; pgflex's own are not counted
        JsonPath connections = await("connection outcomes").atMost(Duration.ofSeconds(30)).until(() -> metrics(SERVER,
                "connections_succeeded,connections_failed", loadStart.minusSeconds(60), loadEnd, "Total"),
                m -> total(m, "connections_failed") >= 1 && total(m, "connections_succeeded") >= CLIENTS + 1);
        assertTrue(total(connections, "connections_succeeded") < 100, connections.prettify());
    }

    @Test
    @Order(9)
    void theSlowQueryIsListed() throws Exception {
        await("the slow query").atMost(Duration.ofSeconds(30)).until(() -> Stack.monitoringApi(SUB)
                .queryParam("timespan", loadStart.minusSeconds(60) + "/" + loadEnd).get(base(SERVER) + "/slowQueries")
                .then().statusCode(200).extract().jsonPath().getList("value.queryText").toString().contains("pgflex-slow-marker"));
    }

    @Test
    @Order(10)
    void theCostliestStatementsAreListed() throws Exception {
        await("top statements").atMost(Duration.ofSeconds(30)).until(() -> Stack.monitoringApi(SUB)
                .queryParam("timespan", loadStart.minusSeconds(60) + "/" + loadEnd).get(base(SERVER) + "/topQueryStatistics")
                .then().statusCode(200).extract().jsonPath().getList("value.queryText").toString().contains("INSERT INTO load"));
    }

    @Test
    @Order(11)
    void prometheusGetsTheServersSeries() throws Exception {
        String exposition = io.pgflex.testkit.Pki.as("operator", "https://127.0.0.1").port(Stack.monitoring().port())
                .get("/metrics").then().statusCode(200).extract().asString();
        assertTrue(exposition.contains("pgflex_server_active_connections{") && exposition.contains("server_name=\"" + SERVER + "\""),
                exposition);
    }

    @Test
    @Order(12)
    void aRunningServerHasMinutesInWhichEveryProbeFoundItAlive() throws Exception {
        JsonPath up = metrics(SERVER, "is_db_alive", loadStart, Instant.now().minusSeconds(5), "Minimum");
        assertEquals(1.0, largest(up, "is_db_alive", "minimum"), up.prettify());
    }

    @Test
    @Order(13)
    void aStoppedServerIsNotAliveForTheMinutesItIsDown() throws Exception {
        // when the server is stopped
        Stack.expectSucceeded(SUB, Stack.api(SUB).post(base(SERVER) + "/stop"));
        Instant stopped = Instant.now();

        // then is_db_alive is 0 while it is down
        JsonPath down = await("is_db_alive while stopped").atMost(Duration.ofSeconds(30))
                .until(() -> metrics(SERVER, "is_db_alive", stopped, stopped.plus(5, ChronoUnit.MINUTES), "Maximum,Count"),
                        m -> largest(m, "is_db_alive", "count") != null && largest(m, "is_db_alive", "count") >= 2);
        assertEquals(0.0, largest(down, "is_db_alive", "maximum"), down.prettify());
    }

    static boolean isAlert(org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]> r, String type, String rule) {
        return type.equals(TopicReader.header(r, CloudEvents.HEADER_TYPE)) && TopicReader.value(r).contains("\"ruleName\":\"" + rule + "\"");
    }

    static int transactions(int port, AtomicBoolean stop) throws SQLException {
        int n = 0;
        try (Connection c = Stack.connect(port, "appadmin", PASSWORD); Statement s = c.createStatement()) {
            while (!stop.get()) {
                s.execute("INSERT INTO load DEFAULT VALUES");
                n++;
            }
        }
        return n;
    }
}
