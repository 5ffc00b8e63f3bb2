package io.pgflex.launcher;

/**
 * One node agent of a topology: who it is, where the services reach it, which instance ports it
 * hands out and whether it runs the router or instances.
 *
 * @param host       the address the platform reaches it at (its host's address when it runs on one of its own)
 * @param instances  false for an agent that only runs the router (no instance is ever placed on it)
 */
public record AgentSpec(String id, String zone, String host, int port, int checkPort, int instancePortStart,
                        int instancePortEnd, boolean router, boolean instances) {
    public String url() {
        return "https://" + host + ":" + port;
    }

    /** Its certificate's CN: the identity other components authorise. */
    public String identity() {
        return "node-agent." + id;
    }
}
