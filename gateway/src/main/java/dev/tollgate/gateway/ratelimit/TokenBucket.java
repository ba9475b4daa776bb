package dev.tollgate.gateway.ratelimit;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A per-minute limit as a token bucket: it holds up to {@code capacity} units and refills continuously at
 * {@code capacity} per minute, so a client that stays under the limit is never refused and a burst of the
 * whole limit is allowed once. That is how OpenAI's limits behave, and its {@code reset} header is the time
 * until the bucket is full again.
 *
 * <p>Lock-free: every operation is a compare-and-set on one immutable state, so concurrent requests on many
 * event loops never wait on each other. The level may go below zero when a settlement charges more than was
 * reserved; that debt delays later requests instead of being forgiven.
 */
final class TokenBucket {

    private static final long WINDOW_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final long capacity;
    private final double perNano;
    private final AtomicReference<State> state;

    private record State(double level, long at) {
    }

    /**
     * The outcome of an acquisition.
     *
     * @param acquired       whether the units were taken
     * @param remaining      whole units left after it (never below zero)
     * @param resetNanos     until the bucket is full again
     * @param retryAfterNanos until the units asked for would be available; zero when acquired
     */
    record Take(boolean acquired, long remaining, long resetNanos, long retryAfterNanos) {
    }

    TokenBucket(long capacity, long nowNanos) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.capacity = capacity;
        this.perNano = (double) capacity / WINDOW_NANOS;
        this.state = new AtomicReference<>(new State(capacity, nowNanos));
    }

    long capacity() {
        return capacity;
    }

    /** Takes {@code units} if the bucket holds them; otherwise takes nothing and says when they would be there. */
    Take tryAcquire(long units, long nowNanos) {
        while (true) {
            State current = state.get();
            double level = refilled(current, nowNanos);
            if (level < units) {
                if (state.compareAndSet(current, new State(level, Math.max(current.at(), nowNanos)))) {
                    return new Take(false, whole(level), untilFull(level), nanosFor(units - level));
                }
                continue;
            }
            double after = level - units;
            if (state.compareAndSet(current, new State(after, Math.max(current.at(), nowNanos)))) {
                return new Take(true, whole(after), untilFull(after), 0);
            }
        }
    }

    /** Adds {@code units} back (a refund) or takes more (a negative value, an extra charge), without a check. */
    void adjust(long units, long nowNanos) {
        while (true) {
            State current = state.get();
            double level = Math.min(capacity, refilled(current, nowNanos) + units);
            if (state.compareAndSet(current, new State(level, Math.max(current.at(), nowNanos)))) {
                return;
            }
        }
    }

    /**
     * Whether the bucket has refilled to its capacity by {@code nowNanos}: then it is indistinguishable from a new
     * bucket, and may be dropped.
     */
    boolean isFull(long nowNanos) {
        return refilled(state.get(), nowNanos) >= capacity;
    }

    /** The state now, without taking anything. */
    Take peek(long nowNanos) {
        double level = refilled(state.get(), nowNanos);
        return new Take(true, whole(level), untilFull(level), 0);
    }

    private double refilled(State s, long nowNanos) {
        long elapsed = Math.max(0, nowNanos - s.at());
        return Math.min(capacity, s.level() + elapsed * perNano);
    }

    private long untilFull(double level) {
        return nanosFor(capacity - level);
    }

    private long nanosFor(double units) {
        return units <= 0 ? 0 : (long) Math.ceil(units / perNano);
    }

    private static long whole(double level) {
        return Math.max(0, (long) Math.floor(level));
    }
}
