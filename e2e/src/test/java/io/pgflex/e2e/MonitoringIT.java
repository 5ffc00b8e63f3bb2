package io.pgflex.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.pgflex.contracts.events.CloudEvents;
import io.pgflex.contracts.events.Topics;
import io.pgflex.testkit.KafkaBroker;
import io.pgflex.testkit.TopicReader;
import io.restassured.RestAssured;
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
import org.junit.jupiter.api.Test;

/**
 * Monitoring as users get it from real servers: load shows in the metrics API (tps,
 * active_connections) and a stopped server as is_db_alive 0; an alert rule fires once under load
 * and resolves after, as events and as webhook calls; slow queries are listed; a server whose
 * storage fills turns read-only and writable again once its storage grows, and autogrow grows it
 * before that point.
 */
class MonitoringIT {
    static final String SUB = "sub-e2e-monitoring";
    static final String PASSWORD = "M0nitor-pass!";
    static final int CLIENTS = 10;

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

    @Test
    void loadShowsInMetricsAlertsFireOnceAndAStoppedServerIsNotAlive() throws Exception {
        Stack.monitoring();
        List<String> webhookCalls = new CopyOnWriteArrayList<>();
        HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hook.createContext("/alerts", exchange -> {
            webhookCalls.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        hook.start();
        try (TopicReader alerts = new TopicReader(KafkaBroker.shared().bootstrapServers(), Topics.ALERTS)) {
            // given a server with a slow-query threshold and an alert rule on its connections
            int port = Stack.readyServer(SUB, "mon-load", Stack.serverBody("16", "appadmin", PASSWORD));
            Stack.expectSucceeded(SUB, Stack.api(SUB).body("{\"properties\":{\"value\":\"200\",\"source\":\"user-override\"}}")
                    .put(base("mon-load") + "/configurations/log_min_duration_statement"));
            Stack.monitoringApi(SUB).body("""
                    {"properties": {"severity": 2, "windowSize": "PT4S", "evaluationFrequency": "PT2S",
                     "criteria": {"metricName": "active_connections", "operator": "GreaterThan", "threshold": %d,
                                  "timeAggregation": "Maximum"},
                     "actions": {"webhookUrl": "http://127.0.0.1:%d/alerts"}}}""".formatted(CLIENTS - 2, hook.getAddress().getPort()))
                    .put(base("mon-load") + "/alertRules/many-connections").then().statusCode(201)
                    .body("properties.criteria.metricName", org.hamcrest.Matchers.equalTo("active_connections"));
            try (Connection c = Stack.connect(port, "appadmin", PASSWORD); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE load (id bigserial PRIMARY KEY, at timestamptz DEFAULT now())");
            }

            // when clients run transactions for a while (and one query is slow)
            Instant loadStart = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            List<Future<Integer>> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                clients.add(pool.submit(() -> transactions(port, stop)));
            }
            try (Connection c = Stack.connect(port, "appadmin", PASSWORD); Statement s = c.createStatement()) {
                s.execute("SELECT pg_sleep(0.4), 'pgflex-slow-marker'");
            }
            try (Connection c = Stack.connect(port, "appadmin", "not-the-password")) {
                throw new AssertionError("a wrong password was let in");
            } catch (SQLException e) {
                assertTrue(e.getMessage().contains("password authentication failed"), e.getMessage());
            }
            // then the rule fires once, while the load runs
            alerts.await(r -> isAlert(r, "pgflex.AlertFired", "many-connections"), 1, Duration.ofSeconds(60));
            stop.set(true);
            int committed = 0;
            for (Future<Integer> f : clients) {
                committed += f.get();
            }
            pool.shutdown();
            assertTrue(committed > 0, "the clients committed transactions");

            // and resolves once the clients are gone, having fired exactly once
            alerts.await(r -> isAlert(r, "pgflex.AlertResolved", "many-connections"), 1, Duration.ofSeconds(60));
            assertEquals(1, alerts.seen().stream().filter(r -> isAlert(r, "pgflex.AlertFired", "many-connections")).count());
            await("webhook calls").atMost(Duration.ofSeconds(30)).until(() -> webhookCalls.size() >= 2);
            assertTrue(webhookCalls.get(0).contains("\"monitorCondition\":\"Fired\""), webhookCalls.get(0));
            assertTrue(webhookCalls.get(1).contains("\"monitorCondition\":\"Resolved\""), webhookCalls.get(1));
            Stack.monitoringApi(SUB).get(base("mon-load") + "/alertRules/many-connections").then().statusCode(200)
                    .body("properties.status.state", org.hamcrest.Matchers.equalTo("Resolved"));

            // the metrics API shows those minutes: transactions per second and the open connections
            Instant to = Instant.now().plus(1, ChronoUnit.MINUTES);
            JsonPath load = await("load in the metrics").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> metrics("mon-load", "tps,active_connections,xact_commit", loadStart.minusSeconds(60), to,
                            "Maximum,Total"), m -> largest(m, "tps", "maximum") != null && largest(m, "tps", "maximum") > 0
                            && largest(m, "active_connections", "maximum") != null
                            && largest(m, "active_connections", "maximum") >= CLIENTS);
            assertTrue(largest(load, "xact_commit", "total") >= committed * 0.5, load.prettify());
            // connections: the clients' and the slow query's succeeded (pgflex's own are not counted), the wrong password failed
            JsonPath connections = await("connection outcomes").atMost(Duration.ofSeconds(30)).until(() -> metrics("mon-load",
                    "connections_succeeded,connections_failed", loadStart.minusSeconds(60), to, "Total"),
                    m -> total(m, "connections_failed") >= 1 && total(m, "connections_succeeded") >= CLIENTS + 1);
            assertTrue(total(connections, "connections_succeeded") < 100, connections.prettify());

            // slow queries and the costliest statements are listed
            await("the slow query").atMost(Duration.ofSeconds(30)).until(() -> Stack.monitoringApi(SUB)
                    .queryParam("timespan", loadStart.minusSeconds(60) + "/" + to).get(base("mon-load") + "/slowQueries")
                    .then().statusCode(200).extract().jsonPath().getList("value.queryText").toString().contains("pgflex-slow-marker"));
            await("top statements").atMost(Duration.ofSeconds(30)).until(() -> Stack.monitoringApi(SUB)
                    .queryParam("timespan", loadStart.minusSeconds(60) + "/" + to).get(base("mon-load") + "/topQueryStatistics")
                    .then().statusCode(200).extract().jsonPath().getList("value.queryText").toString().contains("INSERT INTO load"));

            // Prometheus exposition of the server's metrics
            String exposition = io.pgflex.testkit.Pki.as("operator", "https://127.0.0.1").port(Stack.monitoring().port())
                    .get("/metrics").then().statusCode(200).extract().asString();
            assertTrue(exposition.contains("pgflex_server_active_connections{") && exposition.contains("server_name=\"mon-load\""),
                    exposition);

            // when the server is stopped, is_db_alive is 0 for the minutes it is down
            Stack.expectSucceeded(SUB, Stack.api(SUB).post(base("mon-load") + "/stop"));
            Instant stopped = Instant.now();
            JsonPath down = await("is_db_alive while stopped").atMost(Duration.ofSeconds(30))
                    .until(() -> metrics("mon-load", "is_db_alive", stopped, stopped.plus(5, ChronoUnit.MINUTES), "Maximum,Count"),
                            m -> largest(m, "is_db_alive", "count") != null && largest(m, "is_db_alive", "count") >= 2);
            assertEquals(0.0, largest(down, "is_db_alive", "maximum"), down.prettify());
            JsonPath up = metrics("mon-load", "is_db_alive", loadStart, stopped.minusSeconds(5), "Minimum");
            assertEquals(1.0, largest(up, "is_db_alive", "minimum"), up.prettify());
        } finally {
            hook.stop(0);
        }
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

    @Test
    void aFullServerTurnsReadOnlyAndWritableAgainOnceItsStorageGrows() throws Exception {
        Stack.monitoring();
        int port = Stack.readyServer(SUB, "mon-full", Stack.serverBody("16", "appadmin", PASSWORD));
        // when the server fills past 95 % of its storage
        String error = fillUntilRefused(port, "mon-full");
        // then writes fail with a clear error and the server says it is read-only
        assertTrue(error.contains("read-only transaction"), error);
        Stack.api(SUB).get(base("mon-full")).then().statusCode(200).body("properties.storage.readOnly", org.hamcrest.Matchers.equalTo(true));

        // when the user grows the storage (once turning read-only has finished), the server is writable again
        await("Ready").atMost(Duration.ofSeconds(60)).until(() -> "Ready".equals(Stack.api(SUB).get(base("mon-full"))
                .then().statusCode(200).extract().path("properties.state")));
        Stack.expectSucceeded(SUB, Stack.api(SUB).body("{\"properties\":{\"storage\":{\"storageSizeGB\":64}}}").patch(base("mon-full")));
        await("writable again").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().until(() -> {
            try (Connection c = Stack.connect(port, "appadmin", PASSWORD); Statement s = c.createStatement()) {
                s.execute("INSERT INTO fill VALUES ('written after growing')");
                return true;
            }
        });
        Stack.api(SUB).get(base("mon-full")).then().statusCode(200).body("properties.storage.readOnly", org.hamcrest.Matchers.equalTo(false));
    }

    @Test
    void autogrowGrowsTheStorageBeforeTheServerTurnsReadOnly() throws Exception {
        Stack.monitoring();
        int port = Stack.readyServer(SUB, "mon-grow", Stack.serverBody("16", "appadmin", PASSWORD)
                .replace("\"properties\": {", "\"properties\": {\"storage\": {\"storageSizeGB\": 32, \"autoGrow\": \"Enabled\"}, "));
        try (Connection c = Stack.connect(port, "appadmin", PASSWORD); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE fill (v text)");
            for (int chunk = 0; chunk < 40; chunk++) {
                int size = Stack.api(SUB).get(base("mon-grow")).then().statusCode(200).extract().path("properties.storage.storageSizeGB");
                if (size > 32) {
                    break;
                }
                // every write succeeds: autogrow acts at 90 %, before read-only at 95 %
                s.execute("INSERT INTO fill SELECT repeat('x', 1000) FROM generate_series(1, 4000)");
                waitForMetrics();
            }
        }
        await("storage grown").atMost(Duration.ofSeconds(60)).until(() -> Stack.api(SUB).get(base("mon-grow")).then().statusCode(200)
                .extract().<Integer>path("properties.storage.storageSizeGB") == 64);
        Stack.api(SUB).get(base("mon-grow")).then().body("properties.storage.readOnly", org.hamcrest.Matchers.equalTo(false));
        try (Connection c = Stack.connect(port, "appadmin", PASSWORD); Statement s = c.createStatement()) {
            s.execute("INSERT INTO fill VALUES ('still writable')");
        }
    }

    /** Inserts ~4 MB at a time until the server refuses a write; returns the error. */
    static String fillUntilRefused(int port, String server) throws SQLException {
        try (Connection c = Stack.connect(port, "appadmin", PASSWORD); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE fill (v text)");
        }
        for (int chunk = 0; chunk < 80; chunk++) {
            try (Connection c = Stack.connect(port, "appadmin", PASSWORD); Statement s = c.createStatement()) {
                s.execute("INSERT INTO fill SELECT repeat('x', 1000) FROM generate_series(1, 4000)");
            } catch (SQLException e) {
                return e.getMessage();
            }
            if (Stack.api(SUB).get(base(server)).then().statusCode(200).extract().<Boolean>path("properties.storage.readOnly")) {
                break;
            }
            waitForMetrics();
        }
        String[] error = new String[1];
        await("a refused write").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            try (Connection c = Stack.connect(port, "appadmin", PASSWORD); Statement s = c.createStatement()) {
                s.execute("INSERT INTO fill VALUES ('one more')");
                return false;
            } catch (SQLException e) {
                error[0] = e.getMessage();
                return e.getMessage().contains("read-only");
            }
        });
        return error[0];
    }

    /** Lets a metrics interval (2 s on test agents) pass between chunks, so levels are seen in order. */
    static void waitForMetrics() {
        Instant until = Instant.now().plusMillis(700);
        await().pollDelay(Duration.ofMillis(700)).atMost(Duration.ofSeconds(2)).until(() -> !Instant.now().isBefore(until));
    }
}
