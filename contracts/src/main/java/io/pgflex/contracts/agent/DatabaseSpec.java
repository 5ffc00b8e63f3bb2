package io.pgflex.contracts.agent;

/** A database on an instance: name, character set and collation (as CREATE DATABASE takes them). */
public record DatabaseSpec(String name, String charset, String collation) {
}
