package io.pgflex.selfcheck;

import io.pgflex.contracts.events.Topics;
import io.pgflex.kafka.KafkaSetup;
import io.pgflex.kafka.KafkaTls;
import io.pgflex.launcher.ApiTokens;
import io.pgflex.launcher.ControlDb;
import io.pgflex.launcher.LocalStack;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;

/**
 * The trust boundary of a running stack, tried from outside as an attacker would (docs/security.md lists the
 * controls): each check is one behaviour, and none changes anything.
 */
final class BoundaryChecks {
    private static final String LIST = "/subscriptions/self-check/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/flexibleServers?"
            + Arm.VERSION;
    private final Stack stack;
    private final Https anonymous;

    BoundaryChecks(Stack stack) {
        this.stack = stack;
        this.anonymous = stack.as(null);
    }

    List<Check> checks() {
        List<Check> all = new ArrayList<>();
        for (String service : LocalStack.SERVICES) {
            String health = stack.api() + "/_pgflex/" + service.substring(0, service.indexOf('-')) + "/health/ready";
            all.add(new Check(health + " is UP through the gateway", () -> serviceIsUp(health)));
        }
        all.add(new Check("the API refuses a call without a token (401)", this::refusesCallWithoutToken));
        all.add(new Check("ARM route to provisioning-service answers 200 with a token", this::answersCallWithToken));
        all.add(new Check("the gateway refuses plain HTTP (TLS only, certificate of the platform CA)", this::gatewayRefusesPlainHttp));
        for (String hidden : List.of("/q/openapi", "/x/../q/openapi", "/%71/openapi", "//q/openapi")) {
            all.add(new Check(hidden + " is not reachable through the gateway (404)", () -> hiddenThroughGateway(hidden)));
        }
        all.add(new Check("a service refuses a caller without a client certificate (mutual TLS; the gateway shows its own)",
                this::serviceRefusesCallerWithoutCertificate));
        all.add(new Check("a service refuses another component's certificate (monitoring-service -> provisioning-service: 403)",
                this::serviceRefusesForeignComponent));
        all.add(new Check("a node agent refuses a caller without a client certificate (401)", this::agentRefusesCallerWithoutCertificate));
        all.add(new Check("a node agent refuses monitoring-service's certificate for a promote (403)", this::agentRefusesForeignAction));
        all.add(new Check("Kafka holds every pgflex topic and its dead-letter topic", this::kafkaHoldsTopics));
        all.add(new Check("Kafka refuses a client without a certificate", this::kafkaRefusesAnonymousWriter));
        all.add(new Check("Kafka refuses monitoring-service a write to pgflex.servers (ACLs)", this::kafkaRefusesForeignWriter));
        for (String service : LocalStack.SERVICES) {
            String db = ControlDb.database(service);
            all.add(new Check(service + "'s role connects to its own database (" + db + ") with sslmode=verify-full",
                    () -> controlDbAdmits(db)));
        }
        all.add(new Check("the control-plane database refuses a connection without TLS", this::controlDbRefusesPlaintext));
        all.add(new Check("a service's role reaches only its own database (ha -> provisioning refused)", this::controlDbRefusesOtherDatabase));
        return all;
    }

    private void serviceIsUp(String health) {
        Https.Reply r = anonymous.get(health, null);
        if (r.status() != 200 || !"UP".equals(r.json().path("status").asText())) {
            throw new Failed(health + " answered " + r.status() + ": " + r.body());
        }
    }

    private void refusesCallWithoutToken() {
        int status = anonymous.get(stack.api() + LIST, null).status();
        if (status != 401) {
            throw new Failed("a call without a token answered " + status);
        }
    }

    private void answersCallWithToken() {
        String token = ApiTokens.mintWithStackKey(stack.home, "self-check", "self-check", "Reader", Duration.ofHours(1));
        int status = anonymous.get(stack.api() + LIST, token).status();
        if (status != 200) {
            throw new Failed("the ARM route answered " + status + " with a Reader token");
        }
    }

    private void gatewayRefusesPlainHttp() {
        if (!Https.listens("127.0.0.1", stack.ports.port("GATEWAY_PORT"))) {
            throw new Failed("nothing listens on the gateway's port " + stack.ports.port("GATEWAY_PORT"));
        }
        if (Https.plainHttpAnswers(stack.gatewayPlainHttp() + "/_pgflex/provisioning/health")) {
            throw new Failed("the gateway answered plain HTTP");
        }
    }

    private void hiddenThroughGateway(String path) {
        int status = anonymous.get(stack.api() + path, null).status();
        if (status != 404) {
            throw new Failed(stack.api() + path + " answered " + status);
        }
    }

    private void serviceRefusesCallerWithoutCertificate() {
        String url = stack.serviceUrl("provisioning-service") + "/q/health/ready";
        int withCertificate = stack.as("operator").get(url, null).status();
        if (withCertificate != 200) {
            throw new Failed("provisioning-service answered " + withCertificate + " to the operator's certificate");
        }
        if (anonymous.answers(url)) {
            throw new Failed("provisioning-service answered a caller without a client certificate");
        }
    }

    private void serviceRefusesForeignComponent() {
        int status = stack.as("monitoring-service").get(stack.serviceUrl("provisioning-service") + "/q/health/ready", null).status();
        if (status != 403) {
            throw new Failed("provisioning-service answered " + status + " to monitoring-service's certificate");
        }
    }

    private void agentRefusesCallerWithoutCertificate() {
        int status = anonymous.get(stack.agent("agent-1").url() + "/agent/v1/info", null).status();
        if (status != 401) {
            throw new Failed("the agent answered " + status + " without a client certificate");
        }
    }

    private void agentRefusesForeignAction() {
        int status = stack.as("monitoring-service").send("POST", stack.agent("agent-1").url() + "/agent/v1/instances/self-check/promote",
                null, null).status();
        if (status != 403) {
            throw new Failed("promote with monitoring-service's certificate answered " + status);
        }
    }

    private void kafkaHoldsTopics() throws Exception {
        Map<String, Object> admin = new HashMap<>(KafkaTls.client(stack.pki("kafka-admin.pem"), stack.ca()));
        admin.put("bootstrap.servers", stack.kafkaBootstrap());
        admin.put("request.timeout.ms", 10_000);
        Set<String> expected = new TreeSet<>();
        for (String topic : Topics.ALL) {
            expected.add(topic);
            expected.add(Topics.dlq(topic));
        }
        try (Admin client = Admin.create(admin)) {
            Set<String> present = client.listTopics().names().get(15, TimeUnit.SECONDS);
            expected.removeAll(present);
        }
        if (!expected.isEmpty()) {
            throw new Failed("Kafka lacks the topics " + expected);
        }
    }

    private void kafkaRefusesAnonymousWriter() {
        KafkaSetup.WriteAttempt a = KafkaSetup.tryWrite(stack.kafkaBootstrap(), null, stack.ca(), Topics.SERVERS);
        if (a.outcome() != KafkaSetup.WriteOutcome.REFUSED_AT_HANDSHAKE) {
            throw new Failed("a client without a certificate: " + a.detail());
        }
    }

    private void kafkaRefusesForeignWriter() {
        KafkaSetup.WriteAttempt a = KafkaSetup.tryWrite(stack.kafkaBootstrap(), stack.pki("monitoring-service.pem"), stack.ca(),
                Topics.SERVERS);
        if (a.outcome() != KafkaSetup.WriteOutcome.REFUSED_BY_ACLS) {
            throw new Failed("monitoring-service writing " + Topics.SERVERS + ": " + a.detail());
        }
    }

    private Tenant controlDbRole(String role) {
        return new Tenant(role, stack.secrets.existing("controldb-" + role));
    }

    private void controlDbAdmits(String db) throws SQLException {
        try (Connection c = controlDbRole(db).connect("127.0.0.1", stack.controlDbPort(), db, "verify-full", stack.ca())) {
            if (!c.isValid(5)) {
                throw new Failed(db + "'s connection to its database is not usable");
            }
        }
    }

    private void controlDbRefusesPlaintext() {
        refusedByHba(() -> controlDbRole("ha").connect("127.0.0.1", stack.controlDbPort(), "ha", "disable", null), "without TLS");
    }

    private void controlDbRefusesOtherDatabase() {
        refusedByHba(() -> controlDbRole("ha").connect("127.0.0.1", stack.controlDbPort(), "provisioning", "verify-full", stack.ca()),
                "to provisioning's database as ha");
    }

    interface Connect {
        Connection open() throws SQLException;
    }

    /** The connection must be refused by pg_hba (SQLSTATE 28000), not fail for another reason. */
    private static void refusedByHba(Connect connect, String what) {
        try (Connection c = connect.open()) {
            throw new Failed("the control-plane database accepted a connection " + what);
        } catch (SQLException e) {
            if (!"28000".equals(e.getSQLState())) {
                throw new Failed("a connection " + what + " failed, but not by pg_hba: " + e.getSQLState() + " " + e.getMessage());
            }
        }
    }
}
