package io.pgflex.agent.instances;

import io.pgflex.agent.AgentConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Picks a port for a new instance from {@code pgflex.agent.port-range}: not held by any instance of
 * this agent (instance.json is the record) and free on the host right now. Callers hold the
 * agent's allocation lock until the choice is written to instance.json.
 */
@ApplicationScoped
public class PortAllocator {
    private final AgentConfig config;
    private final InstanceStore store;

    public PortAllocator(AgentConfig config, InstanceStore store) {
        this.config = config;
        this.store = store;
    }

    public synchronized int allocate() {
        Set<Integer> taken = store.records().stream().map(InstanceRecord::port).collect(Collectors.toSet());
        for (int port = config.portRangeStart(); port <= config.portRangeEnd(); port++) {
            // the PgBouncer of a server listens on port + 1000: keep that free too
            if (!taken.contains(port) && free(port) && free(port + 1000)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port left in " + config.portRangeStart() + "-" + config.portRangeEnd());
    }

    /** Whether {@code port} can be bound on all addresses right now. */
    public static boolean free(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName("0.0.0.0"))) {
            s.setReuseAddress(true);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
