package io.pgflex.agent.instances;

import io.pgflex.contracts.agent.Sku;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jboss.logging.Logger;

/**
 * CPU and memory limits of a SKU enforced with cgroups v2: one cgroup per instance under
 * {@code /sys/fs/cgroup/pgflex/}, {@code cpu.max} = vCores, {@code memory.max} = SKU memory; the
 * postmaster is moved in and its children follow. Where the host has no writable cgroup v2
 * hierarchy (cgroup v1, a container without delegation), limits are not enforced and
 * {@link #describe()} says why.
 */
@ApplicationScoped
public class ResourceLimits {
    private static final Logger LOG = Logger.getLogger(ResourceLimits.class);
    private static final Path ROOT = Path.of("/sys/fs/cgroup");

    private final String unavailableReason;

    public ResourceLimits() {
        this.unavailableReason = probe();
        if (unavailableReason != null) {
            LOG.warnf("CPU/memory limits of SKUs are not enforced on this host: %s", unavailableReason);
        }
    }

    private static String probe() {
        if (!Files.isRegularFile(ROOT.resolve("cgroup.controllers"))) {
            return "no cgroup v2 hierarchy at /sys/fs/cgroup (cgroup v1 or hybrid host)";
        }
        try {
            String controllers = Files.readString(ROOT.resolve("cgroup.controllers"));
            if (!controllers.contains("cpu") || !controllers.contains("memory")) {
                return "cgroup v2 without the cpu and memory controllers";
            }
            Path pgflex = ROOT.resolve("pgflex");
            Files.createDirectories(pgflex);
            Files.writeString(ROOT.resolve("cgroup.subtree_control"), "+cpu +memory");
            Files.writeString(pgflex.resolve("cgroup.subtree_control"), "+cpu +memory");
            return null;
        } catch (IOException | RuntimeException e) {
            return "cgroup v2 not writable by the agent (" + e.getMessage() + ")";
        }
    }

    public String describe() {
        return unavailableReason == null ? "cgroup v2 (cpu.max, memory.max)" : "not enforced: " + unavailableReason;
    }

    public void apply(String instanceId, InstanceLayout layout, Sku sku) {
        if (unavailableReason != null) {
            return;
        }
        try {
            Path group = ROOT.resolve("pgflex").resolve(instanceId);
            Files.createDirectories(group);
            Files.writeString(group.resolve("cpu.max"), (sku.vCores() * 100_000) + " 100000");
            Files.writeString(group.resolve("memory.max"), Long.toString(sku.memoryGiB() * 1024L * 1024 * 1024));
            String pid = Files.readAllLines(layout.postmasterPid()).get(0).trim();
            Files.writeString(group.resolve("cgroup.procs"), pid);
        } catch (IOException | RuntimeException e) {
            LOG.warnf("instance %s: limits not applied: %s", instanceId, e.getMessage());
        }
    }

    public void remove(String instanceId) {
        if (unavailableReason == null) {
            try {
                Files.deleteIfExists(ROOT.resolve("pgflex").resolve(instanceId));
            } catch (IOException e) {
                LOG.debugf("cgroup of %s not removed: %s", instanceId, e.getMessage());
            }
        }
    }
}
