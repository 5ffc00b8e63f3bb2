package io.pgflex.agent.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgflex.contracts.events.EndpointUpdated;
import io.pgflex.contracts.events.EndpointUpdated.EndpointMember;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A route the router cannot write is refused before it is kept, with the reason. */
class RouteCheckTest {
    @Test
    void aCompleteRouteIsTaken() {
        assertNull(Router.incomplete(HaproxyConfTest.route("s-1", 15000, true, List.of(), HaproxyConfTest.PRIMARY)));
    }

    @Test
    void aRouteWithoutMembersIsRefused() {
        EndpointUpdated partial = new EndpointUpdated("s-1", "sub", "op", 1, "srv", 1, "localhost", 15000, 16000, true, List.of(),
                null, Instant.EPOCH);
        assertEquals("serverId, name, port, members and updatedAt are required", Router.incomplete(partial));
    }

    @Test
    void aRouteWithANameHaproxyCannotTakeIsRefused() {
        EndpointMember evil = new EndpointMember("i-1\n    bind *:22", "agent-1", "localhost", 6001, 7001, "127.0.0.1", 8190);
        String reason = Router.incomplete(HaproxyConfTest.route("s-1", 15000, true, List.of(), evil));
        assertTrue(reason != null && !reason.isBlank(), "refused with a reason: " + reason);
    }
}
