package io.pgflex.provisioning.server;

import io.pgflex.contracts.agent.Sku;
import java.util.List;
import java.util.Optional;

/**
 * Per-subscription quotas, so one tenant cannot take the hosts' cores, disks and ports from the
 * others: servers, vCores and storage (a standby counts like its primary). Pure: the caller brings
 * what the subscription holds and what the request adds.
 */
public final class Quota {
    private Quota() {
    }

    /** The limits of one subscription. */
    public record Limits(int servers, int vCores, int storageGb) {
    }

    /** What servers hold, or what a request adds (negative: frees). */
    public record Usage(int servers, int vCores, int storageGb) {
        Usage plus(Usage o) {
            return new Usage(servers + o.servers, vCores + o.vCores, storageGb + o.storageGb);
        }
    }

    /** One server's usage: its SKU's vCores and its storage, twice with a standby. */
    public static Usage of(String skuName, int storageGb, String haMode) {
        int copies = haMode == null || "Disabled".equals(haMode) ? 1 : 2;
        int cores = Sku.ofApiName(skuName).map(Sku::vCores).orElse(0);
        return new Usage(1, cores * copies, storageGb * copies);
    }

    /** What the subscription holds: the sum of its servers. */
    public static Usage held(List<Usage> servers) {
        return servers.stream().reduce(new Usage(0, 0, 0), Usage::plus);
    }

    /** Why adding {@code change} to {@code held} goes over {@code limits}, or empty when it stays within. */
    public static Optional<String> exceeded(Usage held, Usage change, Limits limits, String subscriptionId) {
        Usage after = held.plus(change);
        if (change.servers() > 0 && after.servers() > limits.servers()) {
            return Optional.of("Subscription " + subscriptionId + " may have at most " + limits.servers() + " servers; it has "
                    + held.servers() + ".");
        }
        if (change.vCores() > 0 && after.vCores() > limits.vCores()) {
            return Optional.of("Subscription " + subscriptionId + " may use at most " + limits.vCores() + " vCores (a standby"
                    + " counts like its primary); it uses " + held.vCores() + " and this needs " + change.vCores() + " more.");
        }
        if (change.storageGb() > 0 && after.storageGb() > limits.storageGb()) {
            return Optional.of("Subscription " + subscriptionId + " may use at most " + limits.storageGb() + " GB of storage"
                    + " (a standby counts like its primary); it uses " + held.storageGb() + " GB and this needs "
                    + change.storageGb() + " GB more.");
        }
        return Optional.empty();
    }
}
