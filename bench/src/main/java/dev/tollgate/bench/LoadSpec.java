package dev.tollgate.bench;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One load run, validated when built: a run is always bounded in time and only ever targets this machine.
 *
 * @param target an {@code http://} URL on a loopback address
 * @param method HTTP method, e.g. {@code POST}
 * @param body request body sent with every request (may be empty)
 * @param headers request headers sent with every request
 * @param mode closed loop (as fast as the server answers) or open loop (a fixed arrival rate)
 * @param connections connections in the pool; in closed loop also the number of concurrent request loops
 * @param rate requests per second in open loop; ignored in closed loop
 * @param duration measured time, after the warm-up; at most {@link #MAX_DURATION}
 * @param warmup time before measuring, whose results are dropped
 * @param streaming read the body as a stream and record the time to its first byte (the first SSE event)
 * @param eventLoops client event loops, each with its own connections and histograms
 * @param timeout idle timeout of one request; a request silent that long counts as an error
 * @param maxInFlight open loop only: requests that may be outstanding before arrivals are skipped (and reported)
 */
public record LoadSpec(
        URI target,
        String method,
        byte[] body,
        Map<String, String> headers,
        Mode mode,
        int connections,
        int rate,
        Duration duration,
        Duration warmup,
        boolean streaming,
        int eventLoops,
        Duration timeout,
        int maxInFlight) {

    /** No run lasts longer than this, warm-up included. */
    public static final Duration MAX_DURATION = Duration.ofMinutes(10);

    /** How requests are issued. */
    public enum Mode {
        /** Each connection sends its next request when the previous answer ends: measures maximum throughput. */
        CLOSED,
        /**
         * Requests are due at a fixed rate whatever the server does; latency counts from the due time, so a stall
         * shows in the percentiles instead of hiding as fewer requests (no coordinated omission).
         */
        OPEN
    }

    /** Validates every field; see the record description. */
    public LoadSpec {
        Objects.requireNonNull(target, "target");
        if (!"http".equals(target.getScheme()) || target.getHost() == null) {
            throw new IllegalArgumentException("target must be an http:// URL with a host, not " + target);
        }
        Loopback.require(target.getHost());
        Objects.requireNonNull(method, "method");
        body = body == null ? new byte[0] : body.clone();
        headers = Map.copyOf(headers == null ? Map.of() : headers);
        Objects.requireNonNull(mode, "mode");
        requireRange("connections", connections, 1, 10_000);
        if (mode == Mode.OPEN) {
            requireRange("rate", rate, 1, 10_000_000);
        }
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(warmup, "warmup");
        Objects.requireNonNull(timeout, "timeout");
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("duration must be positive, not " + duration);
        }
        if (warmup.isNegative() || duration.plus(warmup).compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException(
                    "duration + warmup must be at most " + MAX_DURATION + ", not " + duration.plus(warmup));
        }
        if (timeout.toMillis() < 1 || timeout.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalArgumentException("timeout must be within [1 ms, 5 min], not " + timeout);
        }
        requireRange("eventLoops", eventLoops, 1, 64);
        requireRange("maxInFlight", maxInFlight, 1, 1_000_000);
    }

    /** The same load against another target. */
    public LoadSpec withTarget(URI other) {
        return new LoadSpec(other, method, body, headers, mode, connections, rate, duration, warmup, streaming,
                eventLoops, timeout, maxInFlight);
    }

    /** The same load with {@code extra} headers added (or replacing those of the same name). */
    public LoadSpec withHeaders(Map<String, String> extra) {
        Map<String, String> merged = new LinkedHashMap<>(headers);
        merged.putAll(extra);
        return new LoadSpec(target, method, body, merged, mode, connections, rate, duration, warmup, streaming,
                eventLoops, timeout, maxInFlight);
    }

    /** The same load, measured for {@code measured} after its warm-up. */
    public LoadSpec withDuration(Duration measured) {
        return new LoadSpec(target, method, body, headers, mode, connections, rate, measured, warmup, streaming,
                eventLoops, timeout, maxInFlight);
    }

    /** The body; a copy, since arrays are mutable. */
    @Override
    public byte[] body() {
        return body.clone();
    }

    private static void requireRange(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be within [" + min + ", " + max + "], not " + value);
        }
    }
}
