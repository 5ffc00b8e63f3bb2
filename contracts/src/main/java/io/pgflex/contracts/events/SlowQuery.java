package io.pgflex.contracts.events;

import java.time.Instant;

/** One statement that ran longer than the server's log_min_duration_statement, from its log. */
public record SlowQuery(Instant loggedAt, String databaseName, String userName, int processId, double durationMillis,
                        String query) {
}
