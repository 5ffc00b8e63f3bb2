package io.pgflex.provisioning.model;

/** What a long-running operation does to a server. */
public enum OperationKind {
    Create, Update, Start, Stop, Restart, Delete, ApplyFirewall, ApplyConfiguration, CreateDatabase, DropDatabase
}
