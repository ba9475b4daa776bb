package dev.tollgate.gateway.ratelimit;

import java.util.concurrent.TimeUnit;

/** The duration formats clients expect in rate-limit headers. */
final class Durations {

    private static final long MILLI = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private Durations() {
    }

    /**
     * OpenAI's {@code x-ratelimit-reset-*} format, which SDKs parse: {@code 20ms} below a second, otherwise
     * whole seconds rounded up with minutes and hours spelled out ({@code 1s}, {@code 59s}, {@code 6m0s},
     * {@code 1h0m5s}). Rounding up means a client that waits that long is never refused for the same reason.
     */
    static String openAi(long nanos) {
        if (nanos <= 0) {
            return "0s";
        }
        if (nanos < SECOND) {
            return Math.max(1, ceilDiv(nanos, MILLI)) + "ms";
        }
        long seconds = ceilDiv(nanos, SECOND);
        long h = seconds / 3600;
        long m = (seconds % 3600) / 60;
        long s = seconds % 60;
        if (h > 0) {
            return h + "h" + m + "m" + s + "s";
        }
        return m > 0 ? m + "m" + s + "s" : s + "s";
    }

    /** The {@code retry-after} header: whole seconds, rounded up, at least 1. */
    static long retryAfterSeconds(long nanos) {
        return Math.max(1, ceilDiv(nanos, SECOND));
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }
}
