package io.pgflex.contracts.agent;

import java.time.Instant;

/**
 * After a WAL switch: every transaction committed before {@code markerTime} is in the WAL archive
 * (a marker transaction committed at that time, then the segment was switched and archived).
 */
public record WalSwitch(String lastWal, Instant markerTime, boolean archived) {
}
