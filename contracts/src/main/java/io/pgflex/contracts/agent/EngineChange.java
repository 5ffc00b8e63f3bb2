package io.pgflex.contracts.agent;

/**
 * Move an instance to another minor of its major ({@code major.minor}, e.g. "16.16"): a fast checkpoint, a clean stop,
 * a start on the new binaries, {@code SHOW server_version} checked. Sent by maintenance-service; the same change twice
 * leaves the same result.
 */
public record EngineChange(String operationId, String version) {
}
