package io.pgflex.contracts.agent;

/** One PostgreSQL engine the agent can run: {@code major.minor}, where its binaries live, where they came from. */
public record EngineInfo(String version, int major, String binDir, String source) {
}
