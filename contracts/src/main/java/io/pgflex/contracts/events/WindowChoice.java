package io.pgflex.contracts.events;

/**
 * A server's maintenance window as its owner chose it: system-managed ({@code custom} false: pgflex picks the slot) or a
 * custom weekly hour ({@code dayOfWeek} 0 = Sunday, {@code startHour}, {@code startMinute}, in the deployment's zone).
 */
public record WindowChoice(boolean custom, int dayOfWeek, int startHour, int startMinute) {
}
