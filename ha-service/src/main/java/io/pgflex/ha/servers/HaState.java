package io.pgflex.ha.servers;

/** properties.highAvailability.state, as ARM spells it. */
public enum HaState {
    NotEnabled, CreatingStandby, ReplicatingData, FailingOver, Healthy, RemovingStandby
}
