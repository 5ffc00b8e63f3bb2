package io.pgflex.contracts.agent;

import java.time.Instant;

/**
 * One of an instance's PostgreSQL log files (the logging collector writes one per weekday, truncated
 * when the week comes round): its name in the instance's log directory, size and last write.
 */
public record LogFileInfo(String name, long sizeBytes, Instant createdAt, Instant lastModifiedAt) {
}
