package dev.tollgate.gateway.auth;

import dev.tollgate.gateway.auth.UnauthenticatedRequests;
import dev.tollgate.gateway.openai.ErrorCode;
import dev.tollgate.gateway.openai.OpenAiError;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * Resolves the caller from {@code Authorization: Bearer <key>}, or from the {@code api-key} header that
 * Azure-style clients send. Runs before the body is read, so an unauthenticated client cannot make the gateway
 * buffer a large body.
 */
@Singleton
public class Authenticator {

    private static final String BEARER = "bearer ";

    private final KeyStore keys;
    private final UnauthenticatedRequests refusals;

    @Inject
    Authenticator(KeyStore keys, UnauthenticatedRequests refusals) {
        this.keys = keys;
        this.refusals = refusals;
    }

    /** The outcome of authenticating one request. */
    public sealed interface Result permits Authenticated, Rejected {
    }

    public record Authenticated(Principal principal) implements Result {
    }

    public record Rejected(OpenAiError error) implements Result {
    }

    /** Authenticates {@code request}; a refusal is counted ({@link UnauthenticatedRequests}). */
    public Result authenticate(HttpServerRequest request) {
        Result result = resolve(request);
        if (result instanceof Rejected rejected) {
            refusals.refused(rejected.error().code());
        }
        return result;
    }

    private Result resolve(HttpServerRequest request) {
        String key = presentedKey(request);
        if (key == null) {
            return new Rejected(OpenAiError.of(ErrorCode.MISSING_API_KEY,
                    "No API key provided. Send it as 'Authorization: Bearer <key>' or in the 'api-key' header."));
        }
        KeyStore.Lookup lookup = keys.lookup(key);
        if (lookup instanceof KeyStore.Accepted accepted) {
            return new Authenticated(accepted.principal());
        }
        if (lookup instanceof KeyStore.Refused refused) {
            return new Rejected(OpenAiError.of(ErrorCode.INVALID_API_KEY, refused.reason() == KeyStore.Refusal.REVOKED
                    ? "This API key has been revoked. Ask your admin for a new key."
                    : "This API key expired at " + refused.key().expiresAt() + ". Ask your admin for a new key."));
        }
        return new Rejected(OpenAiError.of(ErrorCode.INVALID_API_KEY,
                "Incorrect API key provided. Check the key, or ask your admin for one."));
    }

    private static String presentedKey(HttpServerRequest request) {
        String authorization = request.getHeader("authorization");
        if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            String key = authorization.substring(BEARER.length()).trim();
            return key.isEmpty() ? null : key;
        }
        String apiKey = request.getHeader("api-key");
        return apiKey == null || apiKey.isBlank() ? null : apiKey.trim();
    }
}
