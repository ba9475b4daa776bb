package dev.tollgate.gateway.ratelimit;

import io.vertx.core.http.HttpServerResponse;

/**
 * What the client is told about its limits, in OpenAI's {@code x-ratelimit-*} headers. Each pair describes the
 * binding limit of its kind: of the key's and the org's limits, the one with fewer units left. A kind with no
 * limit at all has null values and its headers are left out.
 *
 * @param limitRequests     the requests-per-minute limit, or null
 * @param remainingRequests requests left now, or null
 * @param resetRequestsNanos until the request limit is fully replenished, or null
 * @param limitTokens       the tokens-per-minute limit, or null
 * @param remainingTokens   tokens left now, or null
 * @param resetTokensNanos  until the token limit is fully replenished, or null
 */
public record Quota(Long limitRequests, Long remainingRequests, Long resetRequestsNanos, Long limitTokens,
                    Long remainingTokens, Long resetTokensNanos) {

    public static final Quota UNLIMITED = new Quota(null, null, null, null, null, null);

    /** Puts the headers on a response that has not started yet. */
    public void applyTo(HttpServerResponse response) {
        if (response.headWritten()) {
            return;
        }
        if (limitRequests != null) {
            response.putHeader("x-ratelimit-limit-requests", Long.toString(limitRequests))
                    .putHeader("x-ratelimit-remaining-requests", Long.toString(remainingRequests))
                    .putHeader("x-ratelimit-reset-requests", Durations.openAi(resetRequestsNanos));
        }
        if (limitTokens != null) {
            response.putHeader("x-ratelimit-limit-tokens", Long.toString(limitTokens))
                    .putHeader("x-ratelimit-remaining-tokens", Long.toString(remainingTokens))
                    .putHeader("x-ratelimit-reset-tokens", Durations.openAi(resetTokensNanos));
        }
    }
}
