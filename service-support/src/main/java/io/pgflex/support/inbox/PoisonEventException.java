package io.pgflex.support.inbox;

/**
 * An event that can never be handled as it is (missing CloudEvent attributes, unknown type, newer
 * schema, unreadable JSON). It goes to the topic's dead-letter topic with this message as reason.
 */
public class PoisonEventException extends RuntimeException {
    public PoisonEventException(String reason) {
        super(reason);
    }

    public PoisonEventException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
