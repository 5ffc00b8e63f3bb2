package io.pgflex.contracts.events;

/** One line of pg_stat_statements (cumulative since its last reset), the costliest first. */
public record StatementStats(String queryId, String databaseName, String userName, String query, long calls,
                             double totalTimeMillis, double meanTimeMillis, long rows) {
}
