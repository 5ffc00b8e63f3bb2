package io.pgflex.e2e;

import static io.pgflex.e2e.MonitoringIT.PASSWORD;
import static io.pgflex.e2e.MonitoringIT.SUB;
import static io.pgflex.e2e.MonitoringIT.base;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Autogrow grows a server's storage at 90 %, before it would turn read-only at 95 %: every write succeeds. */
class AutogrowIT {
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
                StorageFullIT.waitForMetrics();
            }
        }
        await("storage grown").atMost(Duration.ofSeconds(60)).until(() -> Stack.api(SUB).get(base("mon-grow")).then().statusCode(200)
                .extract().<Integer>path("properties.storage.storageSizeGB") == 64);
        Stack.api(SUB).get(base("mon-grow")).then().body("properties.storage.readOnly", org.hamcrest.Matchers.equalTo(false));
        try (Connection c = Stack.connect(port, "appadmin", PASSWORD); Statement s = c.createStatement()) {
            s.execute("INSERT INTO fill VALUES ('still writable')");
        }
    }
}
