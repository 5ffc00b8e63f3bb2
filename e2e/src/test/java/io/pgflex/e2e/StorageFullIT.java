package io.pgflex.e2e;

import static io.pgflex.e2e.MonitoringIT.PASSWORD;
import static io.pgflex.e2e.MonitoringIT.SUB;
import static io.pgflex.e2e.MonitoringIT.base;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A server whose storage fills: it turns read-only with a clear error and says so, and is writable again once its
 * storage grows (autogrow: {@link AutogrowIT}). One behaviour per test; the full server is made once for the class.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StorageFullIT {
    private static int port;
    private static String refusal;

    /** Given a server filled (about 4 MB at a time) until it refused a write. */
    @BeforeAll
    static void fullServer() throws Exception {
        Stack.monitoring();
        port = Stack.readyServer(SUB, "mon-full", Stack.serverBody("16", "appadmin", PASSWORD));
        refusal = fillUntilRefused(port, "mon-full");
    }

    @Test
    @Order(1)
    void writesToAFullServerFailAsReadOnlyTransactions() throws Exception {
        assertTrue(refusal.contains("read-only transaction"), refusal);
    }

    @Test
    @Order(2)
    void aFullServerSaysItIsReadOnly() throws Exception {
        Stack.api(SUB).get(base("mon-full")).then().statusCode(200).body("properties.storage.readOnly", org.hamcrest.Matchers.equalTo(true));
    }

    @Test
    @Order(3)
    void growingTheStorageMakesItWritableAgain() throws Exception {
        // given turning read-only has finished
        await("Ready").atMost(Duration.ofSeconds(60)).until(() -> "Ready".equals(Stack.api(SUB).get(base("mon-full"))
                .then().statusCode(200).extract().path("properties.state")));

        // when the user grows the storage
        Stack.expectSucceeded(SUB, Stack.api(SUB).body("{\"properties\":{\"storage\":{\"storageSizeGB\":64}}}").patch(base("mon-full")));

        // then a write succeeds and the server no longer says it is read-only
        await("writable again").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().until(() -> {
            try (Connection c = Stack.connect(port, "appadmin", PASSWORD); Statement s = c.createStatement()) {
                s.execute("INSERT INTO fill VALUES ('written after growing')");
                return true;
            }
        });
        Stack.api(SUB).get(base("mon-full")).then().statusCode(200).body("properties.storage.readOnly", org.hamcrest.Matchers.equalTo(false));
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
