package io.pgflex.provisioning.model;

/** properties.state of a flexible server, as ARM spells it. */
public enum ServerState {
    Provisioning, Ready, Updating, Starting, Stopping, Stopped, Restarting, Dropping, Disabled, Inaccessible
}
