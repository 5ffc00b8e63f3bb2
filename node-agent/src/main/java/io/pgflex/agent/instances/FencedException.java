package io.pgflex.agent.instances;

/** A fenced instance is never made a primary again (it is rebuilt instead). */
public class FencedException extends RuntimeException {
    public FencedException(String instanceId) {
        super("instance " + instanceId + " is fenced: it is rebuilt as a standby, never a primary again");
    }
}
