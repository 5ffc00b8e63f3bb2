package io.pgflex.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgflex.contracts.agent.InstanceSpec.FirewallRange;
import java.util.List;
import org.junit.jupiter.api.Test;

class HbaConfTest {

    @Test
    void coversARangeWithTheFewestCidrBlocks() {
        assertEquals(List.of("127.0.0.1/32"), HbaConf.toCidrs("127.0.0.1", "127.0.0.1"));
        assertEquals(List.of("10.0.0.0/24"), HbaConf.toCidrs("10.0.0.0", "10.0.0.255"));
        assertEquals(List.of("10.0.0.1/32", "10.0.0.2/31", "10.0.0.4/32"), HbaConf.toCidrs("10.0.0.1", "10.0.0.4"));
        assertEquals(List.of("0.0.0.0/0"), HbaConf.toCidrs("0.0.0.0", "255.255.255.255"));
    }

    @Test
    void rejectsBackwardsRangesAndNonAddresses() {
        assertThrows(IllegalArgumentException.class, () -> HbaConf.toCidrs("10.0.0.5", "10.0.0.1"));
        assertThrows(IllegalArgumentException.class, () -> HbaConf.toCidrs("10.0.0.256", "10.0.0.256"));
    }

    @Test
    void admitsOnlyTlsWithScramFromRuleRanges() {
        String hba = HbaConf.render(List.of(new FirewallRange("office", "192.168.1.0", "192.168.1.255")), true,
                List.of("10.9.0.7"), PLATFORM);
        assertTrue(hba.contains("hostssl   all          all           192.168.1.0/24  scram-sha-256"), hba);
        assertTrue(hba.contains("hostssl   all          all           10.9.0.7/32  scram-sha-256"), "the router: " + hba);
        assertTrue(hba.contains("hostnossl all          all           all  reject"), hba);
        assertFalse(hba.contains(" trust\n") && hba.contains("host ") && hba.matches("(?s).*host\\S* +all +all +\\S+ +trust.*"), hba);
    }

    @Test
    void publicAccessDisabledAdmitsNoOneOverTcp() {
        String hba = HbaConf.render(List.of(new FirewallRange("all", "0.0.0.0", "255.255.255.255")), false,
                List.of("127.0.0.1/32"), PLATFORM);
        // no client gets in over TCP; pgflex's own probe and replication roles still do (TLS, SCRAM)
        assertFalse(hba.lines().anyMatch(l -> l.matches("hostssl\\s+all\\s+all\\s.*")), hba);
        assertTrue(hba.lines().anyMatch(l -> l.matches("hostssl\\s+replication\\s+pgflex_replication\\s+10\\.20\\.0\\.0/16\\s+scram-sha-256")),
                hba);
    }

    static final List<String> PLATFORM = List.of("10.20.0.0/16", "10.30.0.9");

    @Test
    void admitsTheProbeAndReplicationRolesOnlyFromPlatformAddresses() {
        String hba = HbaConf.render(List.of(new FirewallRange("all", "0.0.0.0", "255.255.255.255")), true,
                List.of("127.0.0.1/32"), PLATFORM);
        List<String> platformLines = hba.lines().filter(l -> l.contains("pgflex_probe") || l.contains("pgflex_replication")).toList();
        assertEquals(List.of(
                "hostssl   postgres     pgflex_probe  10.20.0.0/16  scram-sha-256",
                "hostssl   replication  pgflex_replication  10.20.0.0/16  scram-sha-256",
                "hostssl   postgres     pgflex_probe  10.30.0.9/32  scram-sha-256",
                "hostssl   replication  pgflex_replication  10.30.0.9/32  scram-sha-256",
                "host      all          pgflex_probe  all  reject",
                "host      all          pgflex_replication  all  reject"), platformLines,
                "from anywhere else the roles are rejected before the firewall rules' 0.0.0.0/0 line: " + hba);
        assertTrue(hba.indexOf("pgflex_probe  all  reject") < hba.indexOf("0.0.0.0/0"), hba);
    }

    @Test
    void takesIpv6PlatformAddressesAsLiteralsOnly() {
        String hba = HbaConf.render(List.of(), true, List.of(), List.of("::1", "fd00::/8"));
        assertTrue(hba.contains("hostssl   replication  pgflex_replication  ::1/128  scram-sha-256"), hba);
        assertTrue(hba.contains("hostssl   postgres     pgflex_probe  fd00::/8  scram-sha-256"), hba);
        assertThrows(IllegalArgumentException.class, () -> HbaConf.render(List.of(), true, List.of(), List.of("fd00::/129")));
        assertThrows(IllegalArgumentException.class, () -> HbaConf.render(List.of(), true, List.of(), List.of("db:host")));
    }

    @Test
    void admitsOnlyPgflexRolesWhileTheStorageGuardRefusesTenants() {
        String hba = HbaConf.render(List.of(new FirewallRange("all", "0.0.0.0", "255.255.255.255")), true,
                List.of("10.9.0.7"), PLATFORM, false);
        assertTrue(hba.contains(HbaConf.TENANTS_REFUSED), hba);
        assertFalse(hba.lines().anyMatch(l -> l.matches("hostssl\\s+all\\s+all\\s.*")), "no firewall or router line: " + hba);
        assertTrue(hba.lines().anyMatch(l -> l.matches("local\\s+all\\s+all\\s+reject")), "no pooled PgBouncer login: " + hba);
        assertTrue(hba.contains("pgflex_probe  10.20.0.0/16  scram-sha-256"), "HA goes on: " + hba);
        assertTrue(hba.lines().anyMatch(l -> l.matches("local\\s+all\\s+pgflex_agent\\s+trust")), hba);
    }

    @Test
    void refusesToRenderWithoutPlatformAddresses() {
        assertThrows(IllegalArgumentException.class, () -> HbaConf.render(List.of(), true, List.of(), List.of()));
        assertThrows(IllegalArgumentException.class, () -> HbaConf.render(List.of(), true, List.of(), List.of("10.0.0.0/33")));
    }
}
