package dev.tollgate.gateway.routing;

/**
 * When a failed attempt may be repeated on another endpoint: only while nothing has reached the client, and at
 * most {@code maxRetries} times. Once a byte was written, the client holds part of one answer and a second
 * answer cannot be spliced onto it, so the failure is the client's to see.
 *
 * @param maxRetries attempts allowed after the first, not negative
 */
public record RetryPolicy(int maxRetries) {

    public RetryPolicy {
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must not be negative, not " + maxRetries);
        }
    }

    /**
     * Whether to make another attempt after a failed one (connection failure, timeout, 5xx answer, or a broken
     * response).
     *
     * @param attemptsMade     attempts made so far, the failed one included
     * @param clientSawBytes   whether any byte of the response (its status line included) was sent to the client
     */
    public boolean mayRetry(int attemptsMade, boolean clientSawBytes) {
        return !clientSawBytes && attemptsMade <= maxRetries;
    }
}
