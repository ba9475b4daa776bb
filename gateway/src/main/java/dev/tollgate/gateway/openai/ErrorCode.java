package dev.tollgate.gateway.openai;

/**
 * Every error the gateway answers, with its HTTP status, OpenAI error type and stable {@code code}. Clients
 * and alerts match on the code, so a code never changes meaning once released.
 */
public enum ErrorCode {
    INVALID_JSON(400, "invalid_request_error", "invalid_json"),
    INVALID_UTF8(400, "invalid_request_error", "invalid_encoding"),
    INVALID_REQUEST(400, "invalid_request_error", "invalid_request"),
    MISSING_API_KEY(401, "authentication_error", "missing_api_key"),
    INVALID_API_KEY(401, "authentication_error", "invalid_api_key"),
    MODEL_NOT_ALLOWED(403, "permission_error", "model_not_allowed"),
    /** The key may not send requests to the environment asked for (its header, else its own); docs/security.md. */
    ENVIRONMENT_NOT_ALLOWED(403, "permission_error", "environment_not_allowed"),
    NOT_FOUND(404, "invalid_request_error", "not_found"),
    MODEL_NOT_FOUND(404, "invalid_request_error", "model_not_found"),
    METHOD_NOT_ALLOWED(405, "invalid_request_error", "method_not_allowed"),
    INVALID_ADMIN_TOKEN(401, "authentication_error", "invalid_admin_token"),
    /** The read-only (console) token was used for an admin call that changes state; see docs/admin-api.md. */
    READ_ONLY_TOKEN(403, "permission_error", "read_only_token"),
    CONFLICT(409, "invalid_request_error", "conflict"),
    REQUEST_TOO_LARGE(413, "invalid_request_error", "request_too_large"),
    UNSUPPORTED_MEDIA_TYPE(415, "invalid_request_error", "unsupported_media_type"),
    HEADERS_TOO_LARGE(431, "invalid_request_error", "headers_too_large"),
    /** Over a requests-per-minute limit; the type is {@code requests}, as OpenAI answers. */
    RATE_LIMIT_REQUESTS(429, "requests", "rate_limit_exceeded"),
    /** Over a tokens-per-minute limit; the type is {@code tokens}, as OpenAI answers. */
    RATE_LIMIT_TOKENS(429, "tokens", "rate_limit_exceeded"),
    /** A hard budget of the key's org, team or key is spent for the period; see docs/budgets.md. */
    BUDGET_EXCEEDED(429, "insufficient_quota", "budget_exceeded"),
    /**
     * A hard budget's owner (the streams app) could not be reached for a spend lease within the wait, and this
     * replica holds none that covers the request: hard budgets fail closed; see docs/budgets.md.
     */
    BUDGET_OWNER_UNAVAILABLE(503, "server_error", "budget_owner_unavailable"),
    UPSTREAM_UNAVAILABLE(502, "upstream_error", "upstream_unavailable"),
    UPSTREAM_PROTOCOL_ERROR(502, "upstream_error", "upstream_protocol_error"),
    NO_HEALTHY_ENDPOINT(503, "upstream_error", "no_healthy_endpoint"),
    /** The event buffer is full (Kafka away too long): refused before any billed work, see docs/events.md. */
    EVENTS_UNAVAILABLE(503, "server_error", "events_unavailable"),
    UPSTREAM_TIMEOUT(504, "upstream_error", "upstream_timeout"),
    PROPAGATION_FAILED(503, "server_error", "propagation_failed"),
    /** No key-encryption key is held, so a secret cannot be sealed; see docs/security.md#secrets. */
    SECRETS_UNAVAILABLE(503, "server_error", "secrets_unavailable"),
    /** The console could not get an answer from the streams query API; see docs/console.md. */
    STREAMS_UNAVAILABLE(503, "server_error", "streams_unavailable"),
    INTERNAL_ERROR(500, "server_error", "internal_error");

    private final int status;
    private final String type;
    private final String code;

    ErrorCode(int status, String type, String code) {
        this.status = status;
        this.type = type;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String code() {
        return code;
    }
}
