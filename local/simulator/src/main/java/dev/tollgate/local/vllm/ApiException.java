package dev.tollgate.local.vllm;

/**
 * A request the simulator refuses, carried to the dispatcher that turns it into an OpenAI-style error body.
 *
 * <p>It has no stack trace: it is control flow for bad input, thrown on the hot path, and never a bug.
 */
final class ApiException extends RuntimeException {

    private final int status;
    private final String type;
    private final String param;

    ApiException(int status, String type, String message, String param) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.param = param;
    }

    /** 400 with vLLM's {@code BadRequestError} type; {@code param} names the offending field or is null. */
    static ApiException badRequest(String message, String param) {
        return new ApiException(400, "BadRequestError", message, param);
    }

    /** 404 for a model the server does not serve, worded as vLLM words it. */
    static ApiException modelNotFound(String model) {
        return new ApiException(404, "NotFoundError", "The model `" + model + "` does not exist.", "model");
    }

    int status() {
        return status;
    }

    String type() {
        return type;
    }

    String param() {
        return param;
    }
}
