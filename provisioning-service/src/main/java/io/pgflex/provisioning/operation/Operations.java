package io.pgflex.provisioning.operation;

import io.pgflex.provisioning.server.ServerEntity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Clock;
import java.util.UUID;

/** Records operations (inside the caller's transaction) and shapes ARM's long-running-operation answers. */
@ApplicationScoped
public class Operations {
    private final Clock clock;

    public Operations(Clock clock) {
        this.clock = clock;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public OperationEntity start(ServerEntity server, OperationKind kind, String detailJson) {
        OperationEntity op = new OperationEntity();
        op.id = UUID.randomUUID();
        op.subscriptionId = server.subscriptionId;
        op.location = server.location;
        op.serverId = server.id;
        op.serverName = server.name;
        op.kind = kind;
        op.detail = detailJson == null ? "{}" : detailJson;
        op.status = OperationStatus.InProgress;
        op.step = "Accepted";
        op.startedAt = clock.instant();
        op.persist();
        return op;
    }

    /** Adds Azure-AsyncOperation and Location headers (absolute, from the request's base URI). */
    public static Response.ResponseBuilder withHeaders(Response.ResponseBuilder response, OperationEntity op, URI baseUri) {
        return response
                .header("Azure-AsyncOperation", baseUri.resolve(op.asyncOperationPath().substring(1)).toString())
                .header("Location", baseUri.resolve(op.operationResultPath().substring(1)).toString())
                .header("Retry-After", "1");
    }
}
