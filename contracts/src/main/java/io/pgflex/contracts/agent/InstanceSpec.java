package io.pgflex.contracts.agent;

import java.util.List;
import java.util.Map;

/**
 * What the control plane wants an instance to be. Sending the same spec again changes nothing
 * (every command is idempotent). The admin password travels only as a SCRAM-SHA-256 verifier.
 *
 * @param engineVersion     major version, e.g. "16"
 * @param parameters        user-set server parameters (already validated against the allowlist)
 * @param firewallRules     IPv4 ranges that may connect; empty with public access enabled admits no one
 * @param desiredState      {@link DesiredState}
 */
public record InstanceSpec(String operationId, String serverId, String subscriptionId, String serverName,
                           String engineVersion, String skuName, int storageSizeGb, String adminLogin,
                           String adminPasswordVerifier, Map<String, String> parameters,
                           List<FirewallRange> firewallRules, boolean publicNetworkAccess, DesiredState desiredState) {

    public enum DesiredState {
        Running, Stopped
    }

    /** An inclusive IPv4 range allowed to connect. */
    public record FirewallRange(String name, String startIpAddress, String endIpAddress) {
    }
}
