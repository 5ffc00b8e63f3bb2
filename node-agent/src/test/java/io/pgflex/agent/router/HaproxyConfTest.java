package io.pgflex.agent.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgflex.contracts.agent.InstanceSpec.FirewallRange;
import io.pgflex.contracts.events.EndpointUpdated.EndpointMember;
import io.pgflex.contracts.events.EndpointUpdated;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HaproxyConfTest {
    static EndpointUpdated route(String id, int port, boolean publicAccess, List<FirewallRange> ranges, EndpointMember... members) {
        return new EndpointUpdated(id, "sub", "op", 1, "srv-" + port, 1, "localhost", port, port + 1000, publicAccess, ranges,
                List.of(members), Instant.EPOCH);
    }

    static final EndpointMember PRIMARY = new EndpointMember("i-1", "agent-1", "localhost", 6001, 7001, "127.0.0.1", 8190);
    static final EndpointMember STANDBY = new EndpointMember("i-2", "agent-2", "localhost", 6101, 7101, "127.0.0.1", 8191);

    static String render(Set<Integer> skipped, EndpointUpdated... routes) {
        return HaproxyConf.render(new HaproxyConf.Input("/tmp/r", "/tmp/r", "*", Duration.ofMillis(250), List.of(routes),
                skipped, Optional.empty()));
    }

    @Test
    void eachServerGetsAnEndpointAndAPgBouncerPortInFrontOfAllItsMembers() {
        String conf = render(Set.of(), route("s-1", 15000, true,
                List.of(new FirewallRange("office", "10.0.0.0", "10.0.0.255")), PRIMARY, STANDBY));
        assertTrue(conf.contains("    bind *:15000\n"), conf);
        assertTrue(conf.contains("    bind *:16000\n"), conf);
        assertTrue(conf.contains("tcp-request connection reject unless { src 10.0.0.0/24 }"), conf);
        // both members, each asked through its own agent which one is primary
        assertTrue(conf.contains("server i-1 ipv4@localhost:6001 check agent-check agent-addr 127.0.0.1 agent-port 8190"), conf);
        assertTrue(conf.contains("server i-2 ipv4@localhost:6101 check agent-check agent-addr 127.0.0.1 agent-port 8191"), conf);
        assertTrue(conf.contains("agent-send \"s-1 i-2 pgbouncer\\n\""), conf);
        assertTrue(conf.contains("server i-2 ipv4@localhost:7101"), "the PgBouncer backend uses the PgBouncer ports: " + conf);
        assertTrue(conf.contains("on-marked-down shutdown-sessions"), conf);
    }

    @Test
    void noFirewallRuleOrNoPublicAccessAdmitsNoOne() {
        assertTrue(render(Set.of(), route("s-1", 15000, true, List.of(), PRIMARY)).contains("    tcp-request connection reject\n"));
        String closed = render(Set.of(), route("s-1", 15000, false,
                List.of(new FirewallRange("all", "0.0.0.0", "255.255.255.255")), PRIMARY));
        assertTrue(closed.contains("    tcp-request connection reject\n"), closed);
        assertFalse(closed.contains("0.0.0.0/0"), closed);
    }

    @Test
    void aPortTakenByAnotherProgramIsNotBound() {
        String conf = render(Set.of(15000), route("s-1", 15000, true, List.of(), PRIMARY));
        assertFalse(conf.contains("bind *:15000"), conf);
        assertTrue(conf.contains("bind *:16000"), conf);
        assertEquals(Set.of(16000), HaproxyProcess.ports(conf));
    }

    @Test
    void namesThatCouldBreakTheConfigurationAreRefused() {
        EndpointMember evil = new EndpointMember("i-1\n    bind *:22", "agent-1", "localhost", 6001, 7001, "127.0.0.1", 8190);
        assertThrows(IllegalArgumentException.class, () -> render(Set.of(), route("s-1", 15000, true, List.of(), evil)));
    }

    @Test
    void haproxyAcceptsTheConfiguration(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("haproxy.cfg");
        Files.writeString(cfg, HaproxyConf.render(new HaproxyConf.Input(dir.toString(), dir.toString(), "127.0.0.1",
                Duration.ofMillis(250), List.of(route("s-1", 15000, true, List.of(new FirewallRange("a", "127.0.0.1",
                        "127.0.0.1")), PRIMARY, STANDBY), route("s-2", 15001, false, List.of(), PRIMARY)), Set.of(),
                Optional.empty())));
        Process check = new ProcessBuilder("haproxy", "-c", "-f", cfg.toString()).redirectErrorStream(true).start();
        String out = new String(check.getInputStream().readAllBytes());
        assertEquals(0, check.waitFor(), out);
    }
}
