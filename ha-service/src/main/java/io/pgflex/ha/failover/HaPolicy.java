package io.pgflex.ha.failover;

import java.time.Duration;

/**
 * The settings {@link FailoverDecision} decides by.
 *
 * @param detectionTimeout how long the primary must not answer (from ha-service and from its standby)
 *                         before a failover; its agent restarts a crashed PostgreSQL in place inside it
 * @param quietPeriod      a failover within this of the previous one is called a repeated fault in
 *                         its reason (and in the log); it is not held back for it when the standby
 *                         is synchronous
 * @param unavailableAfter from how long without an answer the primary counts as unavailable for the
 *                         server's status (properties.state Inaccessible), whatever is decided
 */
public record HaPolicy(Duration detectionTimeout, Duration quietPeriod, Duration unavailableAfter) {
}
