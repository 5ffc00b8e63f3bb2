package io.pgflex.provisioning.server;

import io.pgflex.provisioning.model.OperationKind;
import io.pgflex.provisioning.model.ServerLifecycle;
import io.pgflex.provisioning.model.ServerState;
import io.pgflex.support.errors.ArmException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The server state machine, as pure decisions. */
class ServerStateMachineTest {

    @Test
    void stopAndStartMoveThroughTheirTransitionalStates() {
        assertEquals(ServerState.Stopping, ServerLifecycle.accept(OperationKind.Stop, ServerState.Ready, "s"));
        assertEquals(ServerState.Stopped, ServerLifecycle.succeeded(OperationKind.Stop, ServerState.Stopping));
        assertEquals(ServerState.Starting, ServerLifecycle.accept(OperationKind.Start, ServerState.Stopped, "s"));
        assertEquals(ServerState.Ready, ServerLifecycle.succeeded(OperationKind.Start, ServerState.Starting));
    }

    @Test
    void refusesActionsFromStatesThatDoNotAllowThem() {
        ArmException e = assertThrows(ArmException.class, () -> ServerLifecycle.accept(OperationKind.Start, ServerState.Ready, "s"));
        assertEquals(409, e.status());
        assertEquals("ServerNotInExpectedState", e.code());
        assertThrows(ArmException.class, () -> ServerLifecycle.accept(OperationKind.Update, ServerState.Stopped, "s"));
        assertThrows(ArmException.class, () -> ServerLifecycle.accept(OperationKind.Restart, ServerState.Provisioning, "s"));
        assertThrows(ArmException.class, () -> ServerLifecycle.accept(OperationKind.ApplyFirewall, ServerState.Dropping, "s"));
    }

    @Test
    void firewallChangesAreAcceptedWhileTheServerIsStillBeingCreatedAndKeepItsState() {
        assertEquals(ServerState.Provisioning, ServerLifecycle.accept(OperationKind.ApplyFirewall, ServerState.Provisioning, "s"));
        assertEquals(ServerState.Stopped, ServerLifecycle.accept(OperationKind.ApplyConfiguration, ServerState.Stopped, "s"));
    }

    @Test
    void aServerBeingDroppedStaysDroppingWhenAnEarlierOperationFinishes() {
        assertEquals(ServerState.Dropping, ServerLifecycle.accept(OperationKind.Delete, ServerState.Provisioning, "s"));
        assertEquals(ServerState.Dropping, ServerLifecycle.succeeded(OperationKind.Create, ServerState.Dropping));
    }

    @Test
    void failedOperationsReturnToWhereTheyStarted() {
        assertEquals(ServerState.Ready, ServerLifecycle.failed(OperationKind.Stop, ServerState.Stopping));
        assertEquals(ServerState.Stopped, ServerLifecycle.failed(OperationKind.Start, ServerState.Starting));
        assertEquals(ServerState.Ready, ServerLifecycle.failed(OperationKind.Update, ServerState.Updating));
    }

    @Test
    void instancesRunUnlessStoppedOrDropped() {
        assertTrue(ServerLifecycle.shouldRun(ServerState.Provisioning));
        assertTrue(ServerLifecycle.shouldRun(ServerState.Restarting));
        assertFalse(ServerLifecycle.shouldRun(ServerState.Stopping));
        assertFalse(ServerLifecycle.shouldRun(ServerState.Stopped));
    }
}
