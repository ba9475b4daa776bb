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

    /** 404: nothing is known about the org. */
    public static ApiError orgNotFound(String orgId) {
        return new ApiError(new Body("No usage has been recorded for org '" + orgId + "'.",
                "invalid_request_error", "org_id", "org_not_found"));
    }

    /** 503: the totals cannot be read right now; the client should retry. */
    public static ApiError unavailable(String reason) {
        return new ApiError(new Body("Usage totals are temporarily unavailable: " + reason + ". Retry shortly.",
                "server_error", null, "totals_unavailable"));
    }
}
