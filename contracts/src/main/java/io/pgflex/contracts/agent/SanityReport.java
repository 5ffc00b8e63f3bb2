package io.pgflex.contracts.agent;

import java.util.List;

/**
 * Checks of a restored instance (restore drill): it answers, its B-tree indexes pass amcheck where
 * the extension exists, and the largest tables' row counts.
 */
public record SanityReport(boolean ok, int databases, int indexesChecked, boolean amcheckAvailable,
                           List<TableCount> tables, List<String> problems) {
    public record TableCount(String database, String table, long rows) {
    }
}
