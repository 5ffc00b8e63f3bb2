package io.pgflex.provisioning.operation;

import io.pgflex.provisioning.model.OperationDetails;
import io.pgflex.provisioning.model.OperationDetail;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgflex.provisioning.model.OperationEntity;
import io.pgflex.provisioning.model.OperationKind;
import io.pgflex.provisioning.model.OperationStatus;
import io.pgflex.provisioning.model.ServerEntity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.time.Clock;
import java.util.UUID;

/** Records operations (inside the caller's transaction) and shapes ARM's long-running-operation answers. */
@ApplicationScoped
public class Operations {
    private final Clock clock;
    private final Event<Accepted> accepted;
    private final ObjectMapper json;

    /** Fired for each operation recorded; observed after commit to start it at once. */
    public record Accepted(UUID operationId) {
    }

    public Operations(Clock clock, Event<Accepted> accepted, ObjectMapper json) {
        this.clock = clock;
        this.accepted = accepted;
        this.json = json;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public OperationEntity start(ServerEntity server, OperationKind kind, OperationDetail detail) {
        OperationDetail.requireTypeOf(kind, detail.getClass());
        OperationEntity op = new OperationEntity();
        op.id = UUID.randomUUID();
        op.subscriptionId = server.subscriptionId;
        op.location = server.location;
        op.serverId = server.id;
        op.serverName = server.name;
        op.kind = kind;
        op.detail = OperationDetails.write(json, detail);
        op.status = OperationStatus.InProgress;
        op.step = "Accepted";
        op.startedAt = clock.instant();
        op.persist();
        accepted.fire(new Accepted(op.id));
        return op;
    }

    /**
     * Adds Azure-AsyncOperation and Location headers: absolute, from the request's base URI, with the
     * request's api-version, as ARM clients follow them verbatim.
     */
    public static Response.ResponseBuilder withHeaders(Response.ResponseBuilder response, OperationEntity op, UriInfo uri) {
        return io.pgflex.support.arm.AsyncOperations.polled(response, uri, op.asyncOperationPath(), op.operationResultPath());
    }
}
