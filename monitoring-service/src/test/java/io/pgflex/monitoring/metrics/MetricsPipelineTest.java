package io.pgflex.monitoring.metrics;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.pgflex.contracts.events.CloudEvents;
import io.pgflex.contracts.events.Topics;
import io.pgflex.testkit.JwtResource;
import io.pgflex.testkit.KafkaBroker;
import io.pgflex.testkit.KafkaResource;
import io.pgflex.testkit.PostgresResource;
import io.pgflex.testkit.RecordWriter;
import io.pgflex.testkit.Tokens;
import io.pgflex.testkit.TopicReader;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The metrics pipeline against a real broker and PostgreSQL: batches in through pgflex.metrics,
 * stored once, served in Azure Monitor's shape at every grain (raw and rolled up), expired by
 * dropping partitions, alert rules firing and resolving, storage levels sent to provisioning, and
 * undecodable records dead-lettered.
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(JwtResource.class)
class MetricsPipelineTest {
    static final String SUB = "sub-metrics";

    @Inject
    Rollup rollup;
    @Inject
    Partitions partitions;
    @Inject
    AgroalDataSource db;

    static RequestSpecification api() {
        return given().header("Authorization", "Bearer " + Tokens.of(SUB, "Owner")).contentType(ContentType.JSON)
                .queryParam("api-version", "2025-08-01");
    }

    static String base(String name) {
        return "/subscriptions/" + SUB + "/resourceGroups/rg1/providers/Microsoft.DBforPostgreSQL/flexibleServers/" + name;
    }

    /** A server monitoring-service knows (from its ServerRequested), by name. */
    static String server(RecordWriter w, String name) {
        String id = UUID.randomUUID().toString();
        w.cloudEvent(Topics.SERVERS, id, UUID.randomUUID().toString(), "pgflex.ServerRequested", """
                {"serverId":"%s","subscriptionId":"%s","version":1,"resourceGroup":"rg1","name":"%s","location":"local",
                 "skuName":"Standard_B1ms","skuTier":"Burstable","engineVersion":"16","storageSizeGb":32,"haMode":"Disabled",
                 "backupRetentionDays":7,"createMode":"Default","requestedAt":"2026-11-24T10:00:00Z"}""".formatted(id, SUB, name));
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> api().get(base(name)
                + "/providers/Microsoft.Insights/metricDefinitions").statusCode() == 200);
        return id;
    }

    /** Sends one MetricsReported batch of {@code instance} at {@code at}; returns its event id. */
    static void batch(RecordWriter w, String serverId, String instance, String role, Instant at, String pointsJson) {
        w.cloudEvent(Topics.METRICS, serverId, UUID.randomUUID().toString(), "pgflex.MetricsReported", """
                {"serverId":"%s","subscriptionId":"%s","version":1,"agentId":"agent-1","instanceId":"%s","role":"%s",
                 "points":[%s],"slowQueries":[],"topStatements":[],"collectedAt":"%s"}"""
                .formatted(serverId, SUB, instance, role, pointsJson.replace("@", at.toString()), at));
    }

    static String point(String name, double value) {
        return "{\"name\":\"%s\",\"unit\":\"Percent\",\"value\":%s,\"timestamp\":\"@\"}".formatted(name, Double.toString(value));
    }

    static JsonPath query(String name, String metric, Instant from, Instant to, String interval, String aggregation) {
        return api().queryParam("metricnames", metric).queryParam("timespan", from + "/" + to).queryParam("interval", interval)
                .queryParam("aggregation", aggregation).get(base(name) + "/providers/Microsoft.Insights/metrics")
                .then().statusCode(200).extract().jsonPath();
    }

    @Test
    void storesEachBatchOnceAndServesItInAzureMonitorsShape() {
        Instant minute = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(10, ChronoUnit.MINUTES);
        try (RecordWriter w = new RecordWriter(KafkaBroker.shared().bootstrapServers())) {
            String id = server(w, "m-shape");
            batch(w, id, "i-1", "Primary", minute.plusSeconds(10), point("cpu_percent", 20));
            batch(w, id, "i-1", "Primary", minute.plusSeconds(40), point("cpu_percent", 40));
            // the same batch delivered again (another event id): stored once
            batch(w, id, "i-1", "Primary", minute.plusSeconds(40), point("cpu_percent", 40));
            batch(w, id, "i-1", "Primary", minute.plusSeconds(70), point("cpu_percent", 90));
            JsonPath m = await().atMost(Duration.ofSeconds(30)).until(() -> query("m-shape", "cpu_percent", minute,
                    minute.plus(2, ChronoUnit.MINUTES), "PT1M", "Average,Minimum,Maximum,Total,Count"),
                    j -> j.getList("value[0].timeseries[0].data.count").equals(List.of(2.0f, 1.0f)));
            assertEquals("cpu_percent", m.getString("value[0].name.value"));
            assertEquals("Percent", m.getString("value[0].unit"));
            assertEquals("PT1M", m.getString("interval"));
            assertEquals(minute.toString(), m.getString("value[0].timeseries[0].data[0].timeStamp"));
            assertEquals(30.0f, m.getFloat("value[0].timeseries[0].data[0].average"));
            assertEquals(20.0f, m.getFloat("value[0].timeseries[0].data[0].minimum"));
            assertEquals(40.0f, m.getFloat("value[0].timeseries[0].data[0].maximum"));
            assertEquals(60.0f, m.getFloat("value[0].timeseries[0].data[0].total"));
            // a grain of PT5M holds all three
            JsonPath five = query("m-shape", "cpu_percent", minute, minute.plus(2, ChronoUnit.MINUTES), "PT5M", "Count");
            assertEquals(3.0f, five.getList("value[0].timeseries[0].data.count", Float.class).stream().reduce(0f, Float::sum));
        }
    }

    @Test
    void longRangesReadRolledUpHoursAndLatePointsRollUpAgain() throws Exception {
        Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(5, ChronoUnit.HOURS);
        try (RecordWriter w = new RecordWriter(KafkaBroker.shared().bootstrapServers())) {
            String id = server(w, "m-rollup");
            for (int i = 0; i < 6; i++) {
                batch(w, id, "i-2", "Primary", hour.plus(i * 10L, ChronoUnit.MINUTES), point("tps", i));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> hourly("m-rollup", hour).getList("value[0].timeseries[0].data.count")
                    .contains(6.0f));
            rollup.rollUp();
            assertEquals(1, count("SELECT count(*) FROM metric_hourly WHERE server_id = '" + id + "'"));
            assertEquals(0, count("SELECT count(*) FROM rollup_pending WHERE hour = '" + hour + "'"));
            JsonPath rolled = hourly("m-rollup", hour);
            assertEquals(6.0f, rolled.getFloat("value[0].timeseries[0].data[0].count"));
            assertEquals(15.0f, rolled.getFloat("value[0].timeseries[0].data[0].total"));
            assertEquals(5.0f, rolled.getFloat("value[0].timeseries[0].data[0].maximum"));

            // a late batch for that hour: served at once from raw points, rolled up again
            batch(w, id, "i-2", "Primary", hour.plus(59, ChronoUnit.MINUTES), point("tps", 100));
            await().atMost(Duration.ofSeconds(30)).until(() -> hourly("m-rollup", hour).getFloat("value[0].timeseries[0].data[0].count") == 7.0f);
            rollup.rollUp();
            JsonPath again = hourly("m-rollup", hour);
            assertEquals(7.0f, again.getFloat("value[0].timeseries[0].data[0].count"));
            assertEquals(100.0f, again.getFloat("value[0].timeseries[0].data[0].maximum"));
            // and a day grain folds the hours
            JsonPath day = query("m-rollup", "tps", hour.minus(1, ChronoUnit.DAYS), Instant.now(), "P1D", "Count");
            assertEquals("P1D", day.getString("interval"));
            assertEquals(7.0f, day.getList("value[0].timeseries[0].data.count", Float.class).stream().reduce(0f, Float::sum));
        }
    }

    static JsonPath hourly(String name, Instant hour) {
        return query(name, "tps", hour, hour.plus(1, ChronoUnit.HOURS), "PT1H", "Count,Total,Maximum");
    }

    int count(String sql) throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getInt(1);
        }
    }

    @Test
    void expiredDaysAreDroppedWholeAndOldBatchesRefused() throws Exception {
        LocalDate old = LocalDate.now(ZoneOffset.UTC).minusDays(40);
        partitions.ensure(old);
        String table = "metric_points_" + old.toString().replace("-", "");
        assertEquals(1, count("SELECT count(*) FROM pg_class WHERE relname = '" + table + "'"));
        assertTrue(partitions.dropExpired() >= 2);
        assertEquals(0, count("SELECT count(*) FROM pg_class WHERE relname = '" + table + "'"));
        assertEquals(1, count("SELECT count(*) FROM pg_class WHERE relname = 'metric_points_"
                + LocalDate.now(ZoneOffset.UTC).toString().replace("-", "") + "'"), "today's partition stays");
    }

    @Test
    void undecodableRecordsGoToTheDeadLetterTopic() {
        try (RecordWriter w = new RecordWriter(KafkaBroker.shared().bootstrapServers());
             TopicReader dlq = new TopicReader(KafkaBroker.shared().bootstrapServers(), Topics.dlq(Topics.METRICS))) {
            w.cloudEvent(Topics.METRICS, "x", UUID.randomUUID().toString(), "pgflex.MetricsReported", "{not json");
            dlq.await(r -> "x".equals(r.key()) && TopicReader.header(r, "dead-letter-reason") != null, 1, Duration.ofSeconds(30));
            String id = UUID.randomUUID().toString();
            batch(w, id, "i-5", "Primary", Instant.now(), "{\"unit\":\"Count\",\"value\":1,\"timestamp\":\"@\"}");
            var unnamed = dlq.await(r -> id.equals(r.key()), 1, Duration.ofSeconds(30));
            assertTrue(TopicReader.header(unnamed.get(0), "dead-letter-reason").contains("without a name"));
        }
    }

    @Test
    void alertRulesFireOnceAndResolve() {
        try (RecordWriter w = new RecordWriter(KafkaBroker.shared().bootstrapServers());
             TopicReader alerts = new TopicReader(KafkaBroker.shared().bootstrapServers(), Topics.ALERTS)) {
            String id = server(w, "m-alert");
            String rule = base("m-alert") + "/alertRules/hot-cpu";
            api().body("{\"properties\":{\"criteria\":{\"metricName\":\"cpu\",\"operator\":\"GreaterThan\",\"threshold\":1}}}")
                    .put(rule).then().statusCode(400).body("error.code", equalTo("InvalidMetricName"));
            api().body("{\"properties\":{\"windowSize\":\"PT1S\",\"criteria\":{\"metricName\":\"cpu_percent\",\"operator\":\"GreaterThan\",\"threshold\":1}}}")
                    .put(rule).then().statusCode(400).body("error.code", equalTo("InvalidDuration"));
            api().body("{\"properties\":{\"criteria\":{\"metricName\":\"cpu_percent\",\"operator\":\"Above\",\"threshold\":1}}}")
                    .put(rule).then().statusCode(400).body("error.code", equalTo("InvalidOperator"));
            api().get(rule).then().statusCode(404);
            api().body("""
                    {"properties":{"windowSize":"PT3S","evaluationFrequency":"PT2S","severity":1,
                     "criteria":{"metricName":"cpu_percent","operator":"GreaterThan","threshold":50,"timeAggregation":"Average"}}}""")
                    .put(rule).then().statusCode(201).body("properties.status.state", equalTo("Unknown"));

            // an agent reporting 90 % every half second until the rule fires
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
                batch(w, id, "i-3", "Primary", Instant.now(), point("cpu_percent", 90));
                return alerts.seen().stream().anyMatch(r -> isRule(r, "pgflex.AlertFired", id));
            });
            api().get(rule).then().statusCode(200).body("properties.status.state", equalTo("Fired"));
            batch(w, id, "i-3", "Primary", Instant.now(), point("cpu_percent", 10));
            await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(30)).until(() -> {
                batch(w, id, "i-3", "Primary", Instant.now(), point("cpu_percent", 10));
                return alerts.seen().stream().anyMatch(r -> isRule(r, "pgflex.AlertResolved", id));
            });
            assertEquals(1, alerts.seen().stream().filter(r -> isRule(r, "pgflex.AlertFired", id)).count(), "fired once");
            assertEquals("Resolved", api().get(rule).then().statusCode(200).extract().path("properties.status.state"));
            api().delete(rule).then().statusCode(200);
            api().delete(rule).then().statusCode(204);
        }
    }

    @Test
    void aFailedWebhookCallIsMadeAgainUntilItIsTaken() throws Exception {
        java.util.List<Integer> answers = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer hook = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        hook.createContext("/hook", exchange -> {
            exchange.getRequestBody().readAllBytes();
            int status = answers.isEmpty() ? 503 : 204; // down at first, then back
            answers.add(status);
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        hook.start();
        try (RecordWriter w = new RecordWriter(KafkaBroker.shared().bootstrapServers())) {
            String id = server(w, "m-webhook");
            api().body("""
                    {"properties":{"windowSize":"PT3S","evaluationFrequency":"PT2S",
                     "criteria":{"metricName":"active_connections","operator":"GreaterThanOrEqual","threshold":5},
                     "actions":{"webhookUrl":"http://127.0.0.1:%d/hook"}}}""".formatted(hook.getAddress().getPort()))
                    .put(base("m-webhook") + "/alertRules/busy").then().statusCode(201);
            await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(500)).until(() -> {
                batch(w, id, "i-4", "Primary", Instant.now(), point("active_connections", 7));
                return answers.contains(204);
            });
            // the delivery is recorded once the call returned: the record may trail the 204 by a moment
            await("the delivery recorded as taken on its second attempt").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                    .until(() -> count("SELECT count(*) FROM webhook_deliveries WHERE delivered_at IS NOT NULL AND attempts = 2"
                            + " AND last_error = 'HTTP 503' AND url LIKE '%/hook'") == 1);
            assertEquals(List.of(503, 204), answers, "one failed call, one taken, none after");
        } finally {
            hook.stop(0);
        }
    }

    static boolean isRule(org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]> r, String type, String serverId) {
        return type.equals(TopicReader.header(r, CloudEvents.HEADER_TYPE)) && serverId.equals(r.key());
    }

    @Test
    void fullStorageOfAPrimaryIsSentToProvisioningAndAStandbysIsNot() {
        try (RecordWriter w = new RecordWriter(KafkaBroker.shared().bootstrapServers());
             TopicReader alerts = new TopicReader(KafkaBroker.shared().bootstrapServers(), Topics.ALERTS)) {
            String id = server(w, "m-storage");
            batch(w, id, "i-standby", "Standby", Instant.now(), point("storage_percent", 99));
            batch(w, id, "i-primary", "Primary", Instant.now(), point("storage_percent", 96.5) + "," + point("storage_used", 1000)
                    + "," + point("storage_free", 36));
            var sent = alerts.await(r -> isRule(r, "pgflex.StorageLevelChanged", id), 1, Duration.ofSeconds(30));
            String value = TopicReader.value(sent.get(0));
            assertTrue(value.contains("\"level\":\"Full\"") && value.contains("\"storageLimitBytes\":1036"), value);
            assertFalse(value.toLowerCase(Locale.ROOT).contains("standby"), value);
            // and the server's series is its primary's: the standby's 99 % is not in it
            JsonPath m = query("m-storage", "storage_percent", Instant.now().minusSeconds(600), Instant.now().plusSeconds(60),
                    "PT1M", "Maximum");
            assertEquals(List.of(96.5f), m.getList("value[0].timeseries[0].data.maximum.findAll { it != null }"));
        }
    }
}
