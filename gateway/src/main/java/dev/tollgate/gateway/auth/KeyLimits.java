package dev.tollgate.gateway.auth;

/**
 * A key's rate limits. Null means unlimited, so "no limit" is never confused with a limit of zero.
 *
 * @param requestsPerMinute the most requests the key may start per minute, or null
 * @param tokensPerMinute   the most tokens the key may use per minute, or null
 */
public record KeyLimits(Long requestsPerMinute, Long tokensPerMinute) {

    /** No limit at all: what a bootstrap key gets. */
    public static final KeyLimits UNLIMITED = new KeyLimits(null, null);

    public KeyLimits {
        if (requestsPerMinute != null && requestsPerMinute < 1 || tokensPerMinute != null && tokensPerMinute < 1) {
            throw new IllegalArgumentException("a limit must be positive, or null for unlimited");
        }
    }
}
