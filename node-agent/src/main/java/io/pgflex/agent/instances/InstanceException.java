package io.pgflex.agent.instances;

/** An instance could not be brought to its spec; the message says which step failed and why. */
public class InstanceException extends RuntimeException {
    public InstanceException(String message, Throwable cause) {
        super(message, cause);
    }
}
