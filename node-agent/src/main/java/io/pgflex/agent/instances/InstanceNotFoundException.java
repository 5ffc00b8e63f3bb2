package io.pgflex.agent.instances;

/** No instance with this id on this agent. */
public class InstanceNotFoundException extends RuntimeException {
    public InstanceNotFoundException(String instanceId) {
        super("no instance " + instanceId + " on this agent");
    }
}
