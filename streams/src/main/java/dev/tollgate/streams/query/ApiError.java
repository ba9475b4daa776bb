package dev.tollgate.streams.query;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The OpenAI error shape every Tollgate API answers with: {@code {"error":{"message","type","param","code"}}}.
 *
 * @param error the error
 */
public record ApiError(@JsonProperty("error") Body error) {

    /**
     * The error itself.
     *
     * @param message for a human
     * @param type    the OpenAI error class, e.g. {@code invalid_request_error}
     * @param param   the request parameter at fault, or {@code null}
     * @param code    a stable machine-readable code
     */
    public record Body(
            @JsonProperty("message") String message,
            @JsonProperty("type") String type,
            @JsonProperty("param") String param,
            @JsonProperty("code") String code) {
    }

    /** 400: a query parameter is missing or malformed. */
    public static ApiError invalidParameter(String param, String message) {
        return new ApiError(new Body(message, "invalid_request_error", param, "invalid_request"));
    }

    /**
     * 503: a store cannot be read right now; the client should retry.
     *
     * @param what   what cannot be read, for the message, e.g. {@code Usage rollups}
     * @param code   the stable code, e.g. {@code usage_unavailable}
     * @param reason why
     */
    public static ApiError unavailable(String what, String code, String reason) {
        return new ApiError(new Body(what + " are temporarily unavailable: " + reason + ". Retry shortly.",
                "server_error", null, code));
    }
}
