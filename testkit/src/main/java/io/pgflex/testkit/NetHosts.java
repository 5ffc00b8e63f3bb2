package io.pgflex.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Database hosts as separate network hosts on this machine (system property
 * {@code pgflex.test.hosts=netns}): a bridge with the platform's address (the broker, the services,
 * the router and the test itself live on this side) and one network namespace per host, each with an
 * address of its own, made by {@code deploy/local/hosts.sh} (which {@code ./pgflex up --hosts} uses
 * too). A host can be cut off the network and healed. Everything is removed when the JVM ends, and
 * what a killed test JVM left behind is removed when the next one starts.
 */
public final class NetHosts {
    private static final Logger LOG = Logger.getLogger(NetHosts.class);
    /** The database hosts: agent-1 runs on h1 (zone 1), agent-2 on h2 (zone 2). */
    public static final List<String> HOSTS = List.of("h1", "h2");
    private static NetHosts shared;

    private final String name;
    private final String net;
    private final Map<String, String> addresses = new LinkedHashMap<>();

    private NetHosts(String name, String net) {
        this.name = name;
        this.net = net;
    }

    /** Whether this test JVM runs its agents as separate hosts. */
    public static boolean enabled() {
        return "netns".equals(System.getProperty("pgflex.test.hosts"));
    }

    /** The hosts of this JVM, made on first use (kept across Quarkus class-loader restarts by a system property). */
    public static synchronized NetHosts shared() {
        if (shared == null) {
            long pid = ProcessHandle.current().pid();
            String name = "p" + pid;
            String net = "10.214." + (pid % 250 + 1); // apart from the local stack's 10.213.250
            reapStale();
            NetHosts hosts = new NetHosts(name, net);
            String out = script("up", name, net, String.join(" ", HOSTS));
            for (String line : out.strip().split("\n")) {
                String[] f = line.trim().split(" ");
                if (f.length == 3) {
                    hosts.addresses.put(f[0], f[2]);
                }
            }
            if (System.getProperty("pgflex.test.netns") == null) {
                Runtime.getRuntime().addShutdownHook(new Thread(() -> script("down", name), "netns-down"));
                System.setProperty("pgflex.test.netns", name);
            }
            LOG.infof("test hosts %s on bridge %s-br (%s.1): %s", name, name, net, hosts.addresses);
            shared = hosts;
        }
        return shared;
    }

    /** The platform side's address on the bridge (broker, services, router, this JVM). */
    public String platformAddress() {
        return net + ".1";
    }

    /** The network of the hosts, as a CIDR (pg_hba's platform addresses). */
    public String subnet() {
        return net + ".0/24";
    }

    /** The address of host {@code host} (h1, h2). */
    public String address(String host) {
        String a = addresses.get(host);
        if (a == null) {
            throw new IllegalArgumentException("no test host " + host);
        }
        return a;
    }

    /** Every address of this JVM's hosts and the platform side (certificates name them all). */
    public List<String> allAddresses() {
        List<String> out = new ArrayList<>(List.of(platformAddress()));
        out.addAll(addresses.values());
        return out;
    }

    /** The command prefix that runs a program on host {@code host}. */
    public List<String> exec(String host) {
        address(host);
        // nsenter joins only the network namespace (ip netns exec also remounts /, which a chroot refuses)
        return List.of("nsenter", "--net=/run/netns/" + name + "-" + host, "--");
    }

    /** The host loses every packet in and out until {@link #heal}: a network partition. */
    public void cut(String host) {
        address(host);
        script("cut", name, host);
        LOG.infof("test host %s (%s) cut off the network", host, address(host));
    }

    public void heal(String host) {
        script("heal", name, host);
        LOG.infof("test host %s (%s) back on the network", host, address(host));
    }

    /** Every process running on host {@code host} (its agent, PostgreSQL, PgBouncer): what a host loss takes. */
    public List<ProcessHandle> processes(String host) {
        address(host);
        return run(List.of("ip", "netns", "pids", name + "-" + host)).lines().map(String::trim).filter(l -> !l.isEmpty())
                .map(Long::parseLong).map(ProcessHandle::of).flatMap(java.util.Optional::stream).toList();
    }

    /** The test host an agent address belongs to (h1, h2), or null. */
    public String hostOf(String address) {
        return addresses.entrySet().stream().filter(e -> e.getValue().equals(address)).map(Map.Entry::getKey).findFirst()
                .orElse(null);
    }

    /** Namespaces of test JVMs that are gone (p<pid>-*), with their bridges. */
    private static void reapStale() {
        String list = run(List.of("ip", "netns", "list"));
        list.lines().map(l -> l.split(" ")[0]).filter(n -> n.matches("p\\d+-.*")).map(n -> n.substring(0, n.indexOf('-')))
                .distinct().filter(n -> ProcessHandle.of(Long.parseLong(n.substring(1))).isEmpty())
                .forEach(n -> script("down", n));
    }

    private static String script(String... args) {
        List<String> cmd = new ArrayList<>(List.of("bash", ServiceProcess.repo().resolve("deploy/local/hosts.sh").toString()));
        for (String a : args) {
            cmd.addAll(List.of(a.split(" ")));
        }
        return run(cmd);
    }

    private static String run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
