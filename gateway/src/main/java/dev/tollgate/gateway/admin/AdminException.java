package dev.tollgate.gateway.admin;

import dev.tollgate.gateway.openai.ErrorCode;
import dev.tollgate.gateway.openai.OpenAiError;

/**
 * An admin request that cannot be served, carrying the OpenAI-shaped error to answer with. Thrown (or failed
 * with, in a {@code Uni}) anywhere in the admin API and turned into a response by {@link AdminErrors}. It has no
 * stack trace: it is an answer, not a bug.
 */
public final class AdminException extends RuntimeException {

    private final transient OpenAiError error;

    public AdminException(ErrorCode code, String message, String param) {
        super(message, null, false, false);
        this.error = new OpenAiError(code, message, param);
    }

    /** A 400 naming the request field at fault. */
    public static AdminException invalid(String param, String message) {
        return new AdminException(ErrorCode.INVALID_REQUEST, message, param);
    }

    /** A 404 for an id that does not exist. */
    public static AdminException notFound(String what, String id) {
        return new AdminException(ErrorCode.NOT_FOUND, "No " + what + " with id '" + id + "'.", null);
    }

    /** A 409 for a request that contradicts existing state. */
    public static AdminException conflict(String param, String message) {
        return new AdminException(ErrorCode.CONFLICT, message, param);
    }

    public OpenAiError error() {
        return error;
    }
}
