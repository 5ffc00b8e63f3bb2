package io.pgflex.support.errors;

import com.fasterxml.jackson.core.JsonProcessingException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** The one place that turns failures into ARM error bodies, for every service. */
public class ArmExceptionMappers {
    private static final Logger LOG = Logger.getLogger(ArmExceptionMappers.class);

    @ServerExceptionMapper
    public Response arm(ArmException e) {
        return respond(e.status(), e.toBody());
    }

    @ServerExceptionMapper
    public Response unreadableJson(JsonProcessingException e) {
        return respond(400, ArmError.of(ErrorCodes.INVALID_REQUEST_CONTENT,
                "The request content is not valid JSON: " + e.getOriginalMessage(), null));
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        String code;
        if (e instanceof NotFoundException) {
            code = ErrorCodes.NOT_FOUND;
        } else if (e instanceof NotAllowedException) {
            code = ErrorCodes.METHOD_NOT_ALLOWED;
        } else if (e instanceof NotSupportedException) {
            code = ErrorCodes.UNSUPPORTED_MEDIA_TYPE;
        } else if (status == 401) {
            code = ErrorCodes.AUTHENTICATION_FAILED;
        } else if (status == 403) {
            code = ErrorCodes.AUTHORIZATION_FAILED;
        } else if (status >= 500) {
            code = ErrorCodes.INTERNAL_SERVER_ERROR;
        } else {
            code = ErrorCodes.INVALID_REQUEST_CONTENT;
        }
        String message = e.getMessage() == null ? Response.Status.fromStatusCode(status).getReasonPhrase() : e.getMessage();
        return respond(status, ArmError.of(code, message, null));
    }

    @ServerExceptionMapper
    public Response unauthenticated(io.quarkus.security.AuthenticationFailedException e) {
        return respond(401, ArmError.of(ErrorCodes.AUTHENTICATION_FAILED,
                "Authentication failed: the bearer token is invalid or expired.", null));
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        LOG.error("unexpected failure", e);
        return respond(500, ArmError.of(ErrorCodes.INTERNAL_SERVER_ERROR,
                "The server could not complete the request; it has been logged.", null));
    }

    private static Response respond(int status, ArmError body) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(body).build();
    }
}
