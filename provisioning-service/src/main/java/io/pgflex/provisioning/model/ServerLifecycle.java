package io.pgflex.provisioning.model;

import io.pgflex.support.errors.ArmException;
import java.util.EnumSet;
import java.util.Set;

/**
 * The server state machine: which operation may start in which state, the state a server shows
 * while the operation runs, and the state it reaches. The only place that decides state changes.
 */
public final class ServerLifecycle {
    private static final Set<ServerState> CONFIGURABLE = EnumSet.of(ServerState.Ready, ServerState.Stopped,
            ServerState.Provisioning, ServerState.Updating, ServerState.Starting, ServerState.Restarting);

    private ServerLifecycle() {
    }

    /** The state to show once {@code kind} is accepted on a server in {@code current}; 409 when it may not start. */
    public static ServerState accept(OperationKind kind, ServerState current, String serverName) {
        return switch (kind) {
            case Create -> ServerState.Provisioning;
            case Update -> require(current, EnumSet.of(ServerState.Ready), kind, serverName, ServerState.Updating);
            case Start -> require(current, EnumSet.of(ServerState.Stopped), kind, serverName, ServerState.Starting);
            case Stop -> require(current, EnumSet.of(ServerState.Ready), kind, serverName, ServerState.Stopping);
            case Restart -> require(current, EnumSet.of(ServerState.Ready), kind, serverName, ServerState.Restarting);
            case Delete -> ServerState.Dropping;
            case ApplyFirewall, ApplyConfiguration -> require(current, CONFIGURABLE, kind, serverName, current);
            case CreateDatabase, DropDatabase -> require(current, EnumSet.of(ServerState.Ready, ServerState.Provisioning,
                    ServerState.Updating), kind, serverName, current);
        };
    }

    /** The state once {@code kind} succeeded. Delete has none: the server is gone. A server being dropped stays so. */
    public static ServerState succeeded(OperationKind kind, ServerState current) {
        if (current == ServerState.Dropping) {
            return ServerState.Dropping;
        }
        return switch (kind) {
            case Create, Update, Start, Restart -> ServerState.Ready;
            case Stop -> ServerState.Stopped;
            case Delete -> ServerState.Dropping;
            case ApplyFirewall, ApplyConfiguration, CreateDatabase, DropDatabase -> current;
        };
    }

    /** The state after {@code kind} failed: back to where it started when that is known. */
    public static ServerState failed(OperationKind kind, ServerState current) {
        if (current == ServerState.Dropping) {
            return ServerState.Dropping;
        }
        return switch (kind) {
            case Update, Restart -> ServerState.Ready;
            case Start -> ServerState.Stopped;
            case Stop -> ServerState.Ready;
            default -> current;
        };
    }

    /** Whether the instance should run while and after this state. */
    public static boolean shouldRun(ServerState state) {
        return state != ServerState.Stopped && state != ServerState.Stopping && state != ServerState.Dropping;
    }

    private static ServerState require(ServerState current, Set<ServerState> allowed, OperationKind kind, String name,
                                       ServerState next) {
        if (current == ServerState.Dropping || !allowed.contains(current)) {
            throw new ArmException(409, "ServerNotInExpectedState", "Cannot " + describe(kind) + " server '" + name
                    + "' while it is " + current + "; it must be " + allowed + ".", null);
        }
        return next;
    }

    private static String describe(OperationKind kind) {
        return switch (kind) {
            case ApplyFirewall -> "change firewall rules of";
            case ApplyConfiguration -> "change parameters of";
            case CreateDatabase, DropDatabase -> "change databases of";
            default -> kind.name().toLowerCase();
        };
    }
}
