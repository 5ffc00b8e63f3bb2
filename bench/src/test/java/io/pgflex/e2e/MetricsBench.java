package io.pgflex.e2e;

import static org.awaitility.Awaitility.await;

import io.pgflex.contracts.events.CloudEvents;
import io.pgflex.contracts.events.Topics;
import io.pgflex.contracts.metrics.MetricName;
import io.pgflex.testkit.KafkaBroker;
import io.pgflex.testkit.PostgresCluster;
import io.pgflex.testkit.ServiceProcess;
import io.pgflex.testkit.Tokens;
import io.restassured.RestAssured;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * bench/metrics: monitoring-service (its packaged jar, a real broker and PostgreSQL) takes in
 * simulated MetricsReported batches of many servers — a minute of every one of them per round,
 * all 23 metrics — plus 30 days of history for one server; prints the ingest rate (points stored
 * per second, from the service's own counter) and the time of the metrics API query for 30 days
 * of one metric at PT1H (and, for scale, other grains), then a RESULT line.
 */
class MetricsBench {
    static final int SERVERS = Integer.getInteger("pgflex.bench.servers", 1000);
    static final int MINUTES = Integer.getInteger("pgflex.bench.minutes", 60);
    static final int HISTORY_DAYS = 30;
    static final String SUB = "sub-bench-metrics";
    static final Pattern INGESTED = Pattern.compile("(?m)^pgflex_monitoring_points_ingested_total(?:\\{[^}]*\\})? ([0-9.eE+]+)$");

    @Test
    void ingestAndQuery() throws Exception {
        PostgresCluster postgres = PostgresCluster.shared();
        String bootstrap = KafkaBroker.shared().bootstrapServers();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < SERVERS; i++) {
            ids.add(UUID.nameUUIDFromBytes(("bench-" + i).getBytes(StandardCharsets.UTF_8)).toString());
        }
        long points;
        long t0 = System.nanoTime();
        try (KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
            for (int i = 0; i < SERVERS; i++) {
                send(producer, Topics.SERVERS, ids.get(i), "pgflex.ServerRequested", serverRequested(ids.get(i), "bench-" + i));
            }
            Random random = new Random(7);
            long batches = 0;
            // 30 days of one server's history (for the long-range query), then MINUTES rounds of every server
            for (Instant t = now.minus(HISTORY_DAYS, ChronoUnit.DAYS).plus(1, ChronoUnit.HOURS); t.isBefore(now); t = t.plus(1, ChronoUnit.MINUTES)) {
                send(producer, Topics.METRICS, ids.get(0), "pgflex.MetricsReported", batch(ids.get(0), "i-0", t, random));
                batches++;
            }
            for (int m = MINUTES; m > 0; m--) {
                Instant t = now.minus(m, ChronoUnit.MINUTES).plusSeconds(1);
                for (int i = 1; i < SERVERS; i++) {
                    send(producer, Topics.METRICS, ids.get(i), "pgflex.MetricsReported", batch(ids.get(i), "i-" + i, t, random));
                    batches++;
                }
            }
            producer.flush();
            points = batches * MetricName.values().length;
            System.out.printf("produced %d batches (%d points) of %d servers in %.1f s%n", batches, points, SERVERS,
                    (System.nanoTime() - t0) / 1e9);
        }

        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        String database = postgres.createDatabase("monitoring");
        env.put("QUARKUS_DATASOURCE_JDBC_URL", postgres.jdbcUrl(database));
        env.put("QUARKUS_DATASOURCE_USERNAME", postgres.username());
        env.put("QUARKUS_DATASOURCE_PASSWORD", "");
        env.put("MP_JWT_VERIFY_PUBLICKEY", Tokens.jwks());
        env.put("PGFLEX_MONITORING_ROLLUP_INTERVAL", "1s");
        env.put("QUARKUS_LOG_CATEGORY__IO_PGFLEX_MONITORING_METRICS__LEVEL", System.getProperty("pgflex.bench.log-level", "INFO"));
        ServiceProcess service = ServiceProcess.start("monitoring-service", Stack.freePort(), env);

        // ingest rate: between the first counter reading above 0 and the one that reaches every point
        double[] first = {-1, 0};
        double[] last = {0, 0};
        await("all points stored").atMost(Duration.ofMinutes(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
            double n = ingested(service);
            double at = System.nanoTime() / 1e9;
            if (n > 0 && first[0] < 0) {
                first[0] = n;
                first[1] = at;
            }
            last[0] = n;
            last[1] = at;
            return n >= points;
        });
        double rate = (last[0] - first[0]) / (last[1] - first[1]);
        System.out.printf("ingest: %d points in %.1f s after the first poll: %.0f points/s%n", points, last[1] - first[1], rate);

        double copyRate = rawCopy(postgres, database, points);
        System.out.printf("reference: PostgreSQL COPY of as many rows into the same indexed table shape, straight from the"
                + " bench JVM: %.0f points/s (pgflex/COPY = %.2f)%n", copyRate, rate / copyRate);

        long r0 = System.nanoTime();
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(database), props(postgres))) {
            await("closed hours rolled up").atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(200))
                    .until(() -> pending(c) == 0);
        }
        System.out.printf("rollup of the closed hours: %.1f s%n", (System.nanoTime() - r0) / 1e9);

        String path = Stack.servers(SUB, "rg-bench") + "/bench-0/providers/Microsoft.Insights/metrics";
        double[] pt1h = time(service, path, "P30D", "PT1H", 50);
        double[] p1d = time(service, path, "P30D", "P1D", 20);
        double[] pt1m = time(service, path, "P1D", "PT1M", 20);
        System.out.printf("query cpu_percent, 30 days at PT1H (720 grains): median %.1f ms, p95 %.1f ms%n", pt1h[0], pt1h[1]);
        System.out.printf("query cpu_percent, 30 days at P1D: median %.1f ms; 1 day at PT1M (1440 grains): median %.1f ms%n",
                p1d[0], pt1m[0]);
        System.out.printf("RESULT servers=%d points=%d ingest_points_per_s=%.0f raw_copy_points_per_s=%.0f ingest_vs_copy=%.2f"
                        + " query_30d_pt1h_median_ms=%.1f query_30d_pt1h_p95_ms=%.1f query_1d_pt1m_median_ms=%.1f"
                        + " goal_points_per_s=100000 goal_query_ms=100%n",
                SERVERS, points, rate, copyRate, rate / copyRate, pt1h[0], pt1h[1], pt1m[0]);
        service.close();
    }

    /**
     * What PostgreSQL alone takes in: the same number of points COPYed (text, 115,000 rows per
     * transaction, as pgflex's polls) into a table shaped like metric_points with its index.
     */
    static double rawCopy(PostgresCluster postgres, String database, long points) throws Exception {
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(database), props(postgres))) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE bench_copy (server_id uuid NOT NULL, metric_id smallint NOT NULL,"
                        + " ts timestamptz NOT NULL, value double precision NOT NULL)");
                s.execute("CREATE INDEX ON bench_copy (server_id, metric_id, ts)");
            }
            c.setAutoCommit(false);
            org.postgresql.copy.CopyManager copy = c.unwrap(org.postgresql.PGConnection.class).getCopyAPI();
            Random random = new Random(3);
            Instant base = Instant.now().truncatedTo(ChronoUnit.MINUTES);
            long t0 = System.nanoTime();
            long done = 0;
            while (done < points) {
                StringBuilder rows = new StringBuilder();
                for (int i = 0; i < 115_000 && done < points; i++, done++) {
                    rows.append(UUID.nameUUIDFromBytes(("bench-" + (done / 23) % SERVERS).getBytes(StandardCharsets.UTF_8)))
                            .append('\t').append(done % 23).append('\t').append(base.plusSeconds(done / 23 / SERVERS * 60))
                            .append('\t').append(Math.round(random.nextDouble() * 10000) / 100.0).append('\n');
                }
                copy.copyIn("COPY bench_copy FROM STDIN", new java.io.StringReader(rows.toString()));
                c.commit();
            }
            return points / ((System.nanoTime() - t0) / 1e9);
        }
    }

    static Properties props(PostgresCluster postgres) {
        Properties p = new Properties();
        p.setProperty("user", postgres.username());
        return p;
    }

    static long pending(Connection c) throws Exception {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(
                "SELECT count(*) FROM rollup_pending WHERE hour < now() - interval '1 hour 3 minutes'")) {
            r.next();
            return r.getLong(1);
        }
    }

    /** Median and p95 in ms of {@code runs} metric queries (after 5 unmeasured), timed at a plain JDK HTTP client (HTTPS, as every service speaks). */
    static double[] time(ServiceProcess service, String path, String timespan, String interval, int runs) throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().sslContext(io.pgflex.testkit.Pki.sslContext("operator")).build();
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("https://127.0.0.1:"
                        + service.port() + path + "?api-version=" + Stack.VERSION + "&metricnames=cpu_percent&timespan="
                        + timespan + "&interval=" + interval + "&aggregation=Average,Maximum"))
                .header("Authorization", "Bearer " + Tokens.of(SUB, "Reader")).build();
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < runs + 5; i++) {
            long t = System.nanoTime();
            java.net.http.HttpResponse<String> response = http.send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
            double elapsed = (System.nanoTime() - t) / 1e6;
            if (response.statusCode() != 200 || !response.body().contains("\"average\"")) {
                throw new AssertionError("the query answered " + response.statusCode() + ": " + response.body());
            }
            if (i >= 5) {
                ms.add(elapsed);
            }
        }
        ms.sort(Double::compare);
        return new double[] {ms.get(ms.size() / 2), ms.get((int) Math.ceil(ms.size() * 0.95) - 1)};
    }

    static double ingested(ServiceProcess service) {
        String text = io.pgflex.testkit.Pki.as("operator", "https://127.0.0.1").port(service.port()).get("/q/metrics").asString();
        Matcher m = INGESTED.matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    static KafkaProducer<String, byte[]> producer(String bootstrap) {
        // as the test broker's setup user: the bench stands in for many agents at once
        Map<String, Object> config = new java.util.HashMap<>(KafkaBroker.shared().clientConfig(io.pgflex.kafka.KafkaAccess.ADMIN));
        config.putAll(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd", ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024, ProducerConfig.ACKS_CONFIG, "all"));
        return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    static void send(KafkaProducer<String, byte[]> producer, String topic, String key, String type, String json) {
        ProducerRecord<String, byte[]> r = new ProducerRecord<>(topic, key, json.getBytes(StandardCharsets.UTF_8));
        r.headers().add(CloudEvents.HEADER_SPEC_VERSION, CloudEvents.SPEC_VERSION.getBytes(StandardCharsets.UTF_8));
        r.headers().add(CloudEvents.HEADER_ID, UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
        r.headers().add(CloudEvents.HEADER_SOURCE, "/pgflex/bench".getBytes(StandardCharsets.UTF_8));
        r.headers().add(CloudEvents.HEADER_TYPE, type.getBytes(StandardCharsets.UTF_8));
        r.headers().add(CloudEvents.HEADER_CONTENT_TYPE, CloudEvents.CONTENT_TYPE_JSON.getBytes(StandardCharsets.UTF_8));
        producer.send(r);
    }

    static String serverRequested(String id, String name) {
        return """
                {"serverId":"%s","subscriptionId":"%s","version":1,"resourceGroup":"rg-bench","name":"%s","location":"local",
                 "skuName":"Standard_D2ds_v5","skuTier":"GeneralPurpose","engineVersion":"16","storageSizeGb":128,
                 "haMode":"Disabled","backupRetentionDays":7,"createMode":"Default","requestedAt":"2026-11-24T00:00:00Z"}"""
                .formatted(id, SUB, name);
    }

    /** Percentages of a healthy server (storage steady around 40 %), other values anything. */
    static double value(MetricName m, Random random) {
        return switch (m.unit()) {
            case Percent -> Math.round((m == MetricName.STORAGE_PERCENT ? 40 : 0) + random.nextDouble() * 2000) / 100.0;
            default -> Math.round(random.nextDouble() * 1_000_000) / 100.0;
        };
    }

    /** One instance's batch as an agent sends it: every metric once, stamped {@code at}. */
    static String batch(String serverId, String instance, Instant at, Random random) {
        String t = DateTimeFormatter.ISO_INSTANT.format(at);
        StringBuilder points = new StringBuilder();
        for (MetricName m : MetricName.values()) {
            if (!points.isEmpty()) {
                points.append(',');
            }
            points.append("{\"name\":\"").append(m.metricName()).append("\",\"unit\":\"").append(m.unit())
                    .append("\",\"value\":").append(value(m, random))
                    .append(",\"timestamp\":\"").append(t).append("\"}");
        }
        return "{\"serverId\":\"" + serverId + "\",\"subscriptionId\":\"" + SUB + "\",\"version\":1,\"agentId\":\"agent-b\","
                + "\"instanceId\":\"" + instance + "\",\"role\":\"Primary\",\"points\":[" + points
                + "],\"slowQueries\":[],\"topStatements\":[],\"collectedAt\":\"" + t + "\"}";
    }
}
