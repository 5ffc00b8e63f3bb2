package io.pgflex.contracts.agent;

/**
 * Fence an instance: mark it so nothing starts it again as a primary, then stop it.
 *
 * @param mode immediate (failover: open sessions cannot commit anything more) or fast (planned
 *             switchover: a clean shutdown whose last WAL reaches the standby)
 */
public record FenceRequest(String operationId, String mode) {
}
