package io.pgflex.contracts.agent;

/**
 * An instance as its agent observes it.
 *
 * @param engineVersion  {@code major.minor} actually running
 * @param resourceLimits how CPU/memory limits are enforced, or why they are not
 * @param pgBouncerPort  the port of the instance's PgBouncer (when it runs)
 * @param pgBouncerRunning whether the built-in PgBouncer runs
 * @param caCertificate  PEM of the CA that signed the server's TLS certificate (what clients verify with
 *                       sslmode=verify-full); null when the instance has none yet
 */
public record InstanceStatus(String instanceId, String serverId, InstanceState state, String host, int port,
                             String engineVersion, String resourceLimits, String message, int pgBouncerPort,
                             boolean pgBouncerRunning, String caCertificate) {

    public enum InstanceState {
        Creating, Running, Stopped, Failed, Deleted
    }
}
