package dev.tollgate.notifier.delivery;

import java.util.HashMap;
import java.util.Map;

/**
 * At most {@code max_per_second} notifications a second per receiver, with no burst: a token bucket of one token that
 * refills at that rate. Slack's incoming webhooks allow about one message per second per webhook and answer 429
 * beyond; waiting here costs nothing, while a 429 costs a retry. Used by the dispatcher thread only.
 */
final class RateLimiter {

    private final Map<String, Long> nextAllowedNanos = new HashMap<>();

    /** Whether a notification may go to {@code receiverId} now; if so, the next may go one interval later. */
    boolean tryAcquire(String receiverId, double perSecond, long nowNanos) {
        Long next = nextAllowedNanos.get(receiverId);
        if (next != null && nowNanos - next < 0) {
            return false;
        }
        nextAllowedNanos.put(receiverId, nowNanos + (long) (1_000_000_000L / Math.max(perSecond, 1e-3)));
        return true;
    }
}
