package io.pgflex.contracts.agent;

/**
 * What an {@link EngineChange} came to.
 *
 * @param outcome        {@link Outcome}
 * @param fromVersion    the minor the instance ran before
 * @param version        the minor it runs now (the new one when Patched or AlreadyThere, the old one when RolledBack)
 * @param downtimeMillis how long PostgreSQL did not accept connections (from the stop to the first answer on the new
 *                       binaries, or back on the old ones); for AlreadyThere the figure of the change that got it there
 * @param reason         what happened, in a sentence (why it was rolled back)
 */
public record EngineChangeResult(String instanceId, Outcome outcome, String fromVersion, String version, long downtimeMillis,
                                 String reason) {
    public enum Outcome {
        /** The instance runs the new minor now. */
        Patched,
        /** It ran that minor already (an earlier call did it): nothing was touched. */
        AlreadyThere,
        /** The new binaries did not come up: the instance runs its previous minor again. */
        RolledBack
    }
}
