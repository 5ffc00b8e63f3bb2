package io.pgflex.agent.instances;

/** The instance exists but its PostgreSQL does not run (stopped, or being started). */
public class InstanceNotRunningException extends RuntimeException {
    public InstanceNotRunningException(String instanceId) {
        super("instance " + instanceId + " is not running");
    }
}
