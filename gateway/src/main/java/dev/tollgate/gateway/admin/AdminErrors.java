package dev.tollgate.gateway.admin;

import dev.tollgate.gateway.openai.ErrorCode;
import dev.tollgate.gateway.openai.OpenAiError;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns every failure of the REST layer into the OpenAI error shape, so admin clients parse one error format:
 * our own {@link AdminException}s, the framework's own 404/405/415, and bugs (500, logged without request data).
 */
public class AdminErrors {

    private static final Logger LOG = Logger.getLogger(AdminErrors.class);

    @ServerExceptionMapper
    public Response admin(AdminException e) {
        return response(e.error());
    }

    @ServerExceptionMapper
    public Response framework(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        ErrorCode code = switch (status) {
            case 401 -> ErrorCode.INVALID_ADMIN_TOKEN;
            case 404 -> ErrorCode.NOT_FOUND;
            case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
            case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
            default -> status >= 500 ? ErrorCode.INTERNAL_ERROR : ErrorCode.INVALID_REQUEST;
        };
        String message = switch (code) {
            case NOT_FOUND -> "No such admin resource.";
            case METHOD_NOT_ALLOWED -> "This method is not supported on this admin resource.";
            case UNSUPPORTED_MEDIA_TYPE -> "Send the body as application/json.";
            case INTERNAL_ERROR -> "The admin API failed to process the request.";
            default -> "The request could not be processed.";
        };
        return response(OpenAiError.of(code, message));
    }

    @ServerExceptionMapper
    public Response bug(RuntimeException e) {
        LOG.errorf(e, "admin request failed reason=%s", e.getClass().getName());
        return response(OpenAiError.of(ErrorCode.INTERNAL_ERROR, "The admin API failed to process the request."));
    }

    static Response response(OpenAiError error) {
        return Response.status(error.code().status()).type("application/json").entity(error.body().getBytes()).build();
    }
}
