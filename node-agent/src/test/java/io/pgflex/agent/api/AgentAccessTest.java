package io.pgflex.agent.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AgentAccessTest {
    static Stream<Arguments> scenarios() {
        String i = "/agent/v1/instances/s1-a";
        return Stream.of(
                // caller, WAL token of, method, path, allowed, reason
                Arguments.of(null, null, "GET", "/q/health/ready", true, "not the agent API (health and metrics are open, read-only)"),
                Arguments.of(null, null, "GET", "/agent/v1/info", false, "no client certificate of the platform CA"),
                Arguments.of("provisioning-service", null, "GET", "/agent/v1/info", true, "provisioning-service reads agent state"),
                Arguments.of("provisioning-service", null, "PUT", i, true, "provisioning-service creates and changes instances"),
                Arguments.of("ha-service", null, "PUT", i, false, "only provisioning-service creates and changes instances, not ha-service"),
                Arguments.of("ha-service", null, "POST", i + "/promote", true, "ha-service promotes standbys"),
                Arguments.of("backup-service", null, "POST", i + "/fence", false, "only ha-service fences primaries, not backup-service"),
                Arguments.of("provisioning-service", null, "PUT", i + "/clone", false, "only ha-service builds standbys, not provisioning-service"),
                Arguments.of("backup-service", null, "POST", i + "/backups", true, "backup-service starts base backups"),
                Arguments.of("ha-service", null, "POST", i + "/backups", false, "only backup-service starts base backups, not ha-service"),
                Arguments.of("monitoring-service", null, "DELETE", i, false,
                        "only ha-service, provisioning-service removes instances (servers, replaced standbys), not monitoring-service"),
                Arguments.of("ha-service", null, "DELETE", i, true, "ha-service removes instances (servers, replaced standbys)"),
                Arguments.of("backup-service", null, "DELETE", i, false,
                        "only ha-service, provisioning-service removes instances (servers, replaced standbys), not backup-service"),
                Arguments.of("backup-service", null, "DELETE", "/agent/v1/instances/drill-0a1b2c3d", true,
                        "backup-service removes restore-drill instances"),
                Arguments.of("backup-service", null, "PUT", "/agent/v1/instances/drill-0a1b2c3d/restore", true, "backup-service restores drills"),
                Arguments.of("backup-service", null, "PUT", i + "/restore", false, "only provisioning-service restores servers, not backup-service"),
                Arguments.of("provisioning-service", null, "PUT", i + "/restore", true, "provisioning-service restores servers"),
                Arguments.of("ha-service", null, "PUT", i + "/replication", true, "ha-service sets replication"),
                Arguments.of("provisioning-service", null, "PUT", i + "/replication", false, "only ha-service sets replication, not provisioning-service"),
                Arguments.of("ha-service", null, "POST", i + "/rejoin", true, "ha-service rejoins old primaries"),
                Arguments.of("ha-service", null, "POST", i + "/restart", false, "only provisioning-service restarts instances, not ha-service"),
                Arguments.of("provisioning-service", null, "PUT", i + "/databases/app", true, "provisioning-service creates databases"),
                Arguments.of("backup-service", null, "DELETE", i + "/databases/app", false, "only provisioning-service drops databases, not backup-service"),
                Arguments.of("provisioning-service", null, "POST", i + "/wal-switch", true, "provisioning-service closes WAL segments"),
                Arguments.of("maintenance-service", null, "POST", i + "/engine", true,
                        "maintenance-service patches instances to another minor"),
                Arguments.of("provisioning-service", null, "POST", i + "/engine", false,
                        "only maintenance-service patches instances to another minor, not provisioning-service"),
                Arguments.of("ha-service", null, "POST", i + "/checkpoint", true, "ha-service checkpoints primaries before a planned stop"),
                Arguments.of("backup-service", null, "POST", i + "/checkpoint", false,
                        "only ha-service, maintenance-service checkpoints primaries before a planned stop, not backup-service"),
                Arguments.of("provisioning-service", null, "POST", i + "/sanity", false,
                        "only backup-service runs restore-drill sanity checks, not provisioning-service"),
                // a WAL token must not reach another route through an encoded separator, nor a service through a relative path
                Arguments.of(null, "s1-a", "PUT", i + "%2Fwal%2F000000010000000000000001", false, "encoded or relative path segments are refused"),
                Arguments.of("ha-service", null, "DELETE", "/agent/v1/instances/drill-0a1b2c3d/../s1-a", false,
                        "encoded or relative path segments are refused"),
                Arguments.of("node-agent.agent-2", null, "POST", i + "/basebackup", true,
                        "a peer node agent streams a base backup for the standby it builds"),
                Arguments.of("node-agent.agent-2", null, "PUT", i, false, "a node agent may only stream base backups from another agent"),
                Arguments.of("node-agent.agent-2", null, "GET", i, false, "a node agent may only stream base backups from another agent"),
                Arguments.of("provisioning-service", null, "POST", i + "/basebackup", false,
                        "provisioning-service may not POST /instances/s1-a/basebackup"),
                Arguments.of("gateway", null, "GET", "/agent/v1/info", false, "gateway is not a pgflex service"),
                Arguments.of("provisioning-service", null, "GET", i + "/logs", true,
                        "provisioning-service serves the server's log files to its owner"),
                Arguments.of("provisioning-service", null, "GET", i + "/logs/postgresql-Mon.log", true,
                        "provisioning-service serves the server's log files to its owner"),
                Arguments.of("monitoring-service", null, "GET", i + "/logs/postgresql-Mon.log", false,
                        "only provisioning-service reads instances' log files, not monitoring-service"),
                Arguments.of("provisioning-service", null, "DELETE", i + "/logs/postgresql-Mon.log", false,
                        "log files are only read"),
                // the log rule is not walked around by a path the HTTP server decodes or normalises to it
                Arguments.of("monitoring-service", null, "GET", i + "/%6Cogs/postgresql-Mon.log", false,
                        "encoded or relative path segments are refused"),
                Arguments.of("monitoring-service", null, "GET", i + "/logs;a/postgresql-Mon.log", false,
                        "encoded or relative path segments are refused"),
                Arguments.of("monitoring-service", null, "GET", i + "/logs/", false,
                        "encoded or relative path segments are refused"),
                Arguments.of(null, "s1-a", "PUT", i + "/wal/000000010000000000000001", true, "the instance's own WAL token moves its own WAL"),
                Arguments.of(null, "s1-a", "GET", i + "/wal/000000010000000000000001", true, "the instance's own WAL token moves its own WAL"),
                Arguments.of(null, "s1-b", "GET", i + "/wal/000000010000000000000001", false,
                        "WAL of instance s1-a moves only with that instance's WAL token"),
                Arguments.of("provisioning-service", null, "PUT", i + "/wal/000000010000000000000001", false,
                        "WAL of instance s1-a moves only with that instance's WAL token"),
                Arguments.of(null, "s1-a", "GET", i, false, "no client certificate of the platform CA"),
                Arguments.of("ha-service", null, "PATCH", i, false, "ha-service may not PATCH /instances/s1-a"));
    }

    @ParameterizedTest(name = "{0} {2} {3} -> {4}")
    @MethodSource("scenarios")
    void decides(String caller, String walToken, String method, String path, boolean allowed, String reason) {
        AgentAccess.Decision d = AgentAccess.decide(caller, walToken, method, path);
        assertEquals(reason, d.reason());
        assertEquals(allowed, d.allowed());
    }
}
